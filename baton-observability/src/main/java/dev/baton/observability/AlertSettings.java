package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * Alert rules and webhook. TODO(system helper): fields.
 */
public record AlertSettings() {
    /** The default. */
    public static final AlertSettings DEFAULT = new AlertSettings();

    /** Reads the subsection strictly (missing: {@link #DEFAULT}). */
    static AlertSettings read(ConfigTree tree) {
        tree.fields(Set.of());
        return DEFAULT;
    }
}
