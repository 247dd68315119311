package dev.baton.steps.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Node-wide settings of the {@code http} step.
 *
 * @param connectTimeout   how long to wait for a TCP/TLS connection (positive)
 * @param defaultTimeout   request timeout when a step gives none (positive); always also bounded by the attempt's
 *                         remaining time
 * @param maxResponseBytes largest response body accepted, in bytes (1 .. 1 GiB)
 */
public record HttpStepSettings(Duration connectTimeout, Duration defaultTimeout, long maxResponseBytes) {
    /** 10 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

    public HttpStepSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(defaultTimeout, "defaultTimeout");
        if (maxResponseBytes < 1 || maxResponseBytes > 1L << 30) {
            throw new IllegalArgumentException("maxResponseBytes must be in 1..1073741824, got " + maxResponseBytes);
        }
    }

    /** Connect timeout 10 s, request timeout 30 s, responses up to 10 MiB. */
    public static HttpStepSettings defaults() {
        return new HttpStepSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), DEFAULT_MAX_RESPONSE_BYTES);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
