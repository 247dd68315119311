package dev.baton.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts of one deployment.
 *
 * @param connect    TCP + TLS connect
 * @param read       between bytes of a non-streamed response (time to the response headers included)
 * @param total      one whole attempt, non-streamed
 * @param firstToken streams: from sending the request to the first content chunk
 * @param idle       streams: the longest silence between two chunks
 */
public record Timeouts(Duration connect, Duration read, Duration total, Duration firstToken, Duration idle) {

    /** 5 s connect, 60 s read, 120 s total, 30 s first token, 30 s idle. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(30));

    public Timeouts {
        positive("connect", connect);
        positive("read", read);
        positive("total", total);
        positive("firstToken", firstToken);
        positive("idle", idle);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeouts." + name + " must be positive: " + value);
        }
    }
}
