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
 * @param clients          how many HTTP clients the step spreads its exchanges over, round-robin
 *                         (1 .. {@value #MAX_CLIENTS}); each is built on first use. More than one divides each
 *                         client's per-destination connection pool and queue among thousands of concurrent
 *                         requests (see {@code HttpClientPool})
 * @param maxResponseHeaderBytes largest response head accepted (status line, headers and trailers), in bytes
 *                         (1 KiB .. 1 MiB; default {@value #DEFAULT_MAX_RESPONSE_HEADER_BYTES}): the body limit
 *                         does not cover headers, and a hostile service could otherwise send megabytes of them
 *                         into the node's memory and the step's output. A larger head fails the step with
 *                         {@code UPSTREAM_INVALID_RESPONSE}
 */
public record HttpStepSettings(Duration connectTimeout, Duration defaultTimeout, long maxResponseBytes,
                               int clients, int maxResponseHeaderBytes) {
    /** 10 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;
    /** Default number of clients: enough to split 10,000 concurrent exchanges into ~1,250 per client. */
    public static final int DEFAULT_CLIENTS = 8;
    /** Upper bound of {@link #clients()}. */
    public static final int MAX_CLIENTS = 256;
    /** 64 KiB of response headers: far above what APIs send (a few KiB), far below what would hurt. */
    public static final int DEFAULT_MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    public HttpStepSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(defaultTimeout, "defaultTimeout");
        if (maxResponseBytes < 1 || maxResponseBytes > 1L << 30) {
            throw new IllegalArgumentException("maxResponseBytes must be in 1..1073741824, got " + maxResponseBytes);
        }
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("clients must be in 1.." + MAX_CLIENTS + ", got " + clients);
        }
        if (maxResponseHeaderBytes < 1024 || maxResponseHeaderBytes > 1024 * 1024) {
            throw new IllegalArgumentException("maxResponseHeaderBytes must be in 1024..1048576, got "
                    + maxResponseHeaderBytes);
        }
    }

    /** Settings with {@value #DEFAULT_MAX_RESPONSE_HEADER_BYTES} bytes of response headers at most. */
    public HttpStepSettings(Duration connectTimeout, Duration defaultTimeout, long maxResponseBytes, int clients) {
        this(connectTimeout, defaultTimeout, maxResponseBytes, clients, DEFAULT_MAX_RESPONSE_HEADER_BYTES);
    }

    /** Settings with {@value #DEFAULT_CLIENTS} clients. */
    public HttpStepSettings(Duration connectTimeout, Duration defaultTimeout, long maxResponseBytes) {
        this(connectTimeout, defaultTimeout, maxResponseBytes, DEFAULT_CLIENTS);
    }

    /** These settings with {@code clients} clients. */
    public HttpStepSettings withClients(int clients) {
        return new HttpStepSettings(connectTimeout, defaultTimeout, maxResponseBytes, clients, maxResponseHeaderBytes);
    }

    /** These settings with at most {@code bytes} of response headers. */
    public HttpStepSettings withMaxResponseHeaderBytes(int bytes) {
        return new HttpStepSettings(connectTimeout, defaultTimeout, maxResponseBytes, clients, bytes);
    }

    /**
     * Connect timeout 10 s, request timeout 30 s, responses up to 10 MiB with 64 KiB of headers,
     * {@value #DEFAULT_CLIENTS} clients.
     */
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
