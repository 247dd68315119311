package dev.baton.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Active health probes (they cost no tokens: a models list or the model's state).
 *
 * @param probeInterval time between probes of one deployment; {@link Duration#ZERO} turns active probes off
 *                      (passive health from real traffic is always on)
 * @param probeTimeout  timeout of one probe
 */
public record HealthSettings(Duration probeInterval, Duration probeTimeout) {

    /** Probes off, 5 s timeout. */
    public static final HealthSettings DEFAULT = new HealthSettings(Duration.ZERO, Duration.ofSeconds(5));

    public HealthSettings {
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        if (probeInterval.isNegative() || probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException("health.probeInterval must be ≥ 0 and probeTimeout positive");
        }
    }
}
