package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * Prometheus metrics. TODO(metrics helper): fields.
 */
public record MetricsSettings() {
    /** The default. */
    public static final MetricsSettings DEFAULT = new MetricsSettings();

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static MetricsSettings read(ConfigTree tree) {
        tree.fields(Set.of());
        return DEFAULT;
    }
}
