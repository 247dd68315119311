package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * Host monitoring. TODO(system helper): fields.
 */
public record SystemSettings() {
    /** The default. */
    public static final SystemSettings DEFAULT = new SystemSettings();

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static SystemSettings read(ConfigTree tree) {
        tree.fields(Set.of());
        return DEFAULT;
    }
}
