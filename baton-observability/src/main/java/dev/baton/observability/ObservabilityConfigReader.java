package dev.baton.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * Reads the {@code observability:} section (a Jackson tree from YAML or JSON) into an
 * {@link ObservabilityConfig}. Strict like the gateway's reader: an unknown key, a wrong type or an out-of-range
 * value fails with {@link dev.baton.core.error.BatonException} {@code INVALID_INPUT} naming the exact path
 * (e.g. {@code observability.tracing.sampleRatio}). Each part reads its own subsection. Stateless; thread-safe.
 */
public final class ObservabilityConfigReader {
    /** The section's name in {@code baton.yaml}, the root of every error path. */
    public static final String SECTION = "observability";

    private ObservabilityConfigReader() {
    }

    /**
     * Reads the section.
     *
     * @param section the section's tree, or {@code null}/missing for all defaults
     */
    public static ObservabilityConfig read(JsonNode section) {
        ConfigTree root = new ConfigTree(SECTION, section)
                .fields(Set.of("metrics", "tracing", "logs", "system", "alerts"));
        return new ObservabilityConfig(MetricsSettings.read(root.get("metrics")),
                TracingSettings.read(root.get("tracing")), LogSettings.read(root.get("logs")),
                SystemSettings.read(root.get("system")), AlertSettings.read(root.get("alerts")));
    }
}
