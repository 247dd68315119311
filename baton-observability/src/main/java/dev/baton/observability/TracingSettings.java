package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * OpenTelemetry tracing over OTLP. TODO(tracing helper): fields.
 */
public record TracingSettings() {
    /** The default. */
    public static final TracingSettings DEFAULT = new TracingSettings();

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static TracingSettings read(ConfigTree tree) {
        tree.fields(Set.of());
        return DEFAULT;
    }
}
