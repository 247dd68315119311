package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * The log format. TODO(logs helper): fields.
 */
public record LogSettings() {
    /** The default. */
    public static final LogSettings DEFAULT = new LogSettings();

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static LogSettings read(ConfigTree tree) {
        tree.fields(Set.of());
        return DEFAULT;
    }
}
