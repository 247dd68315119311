package dev.baton.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One observation of a deployment's health.
 *
 * @param at      when it was made
 * @param source  {@code probe} (active) or {@code traffic} (a real call)
 * @param ok      whether it succeeded
 * @param latency how long it took
 * @param error   the error code when it failed, else {@code null}
 */
public record HealthCheck(Instant at, String source, boolean ok, Duration latency, String error) {
    public HealthCheck {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(latency, "latency");
    }
}
