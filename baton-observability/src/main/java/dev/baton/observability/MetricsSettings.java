package dev.baton.observability;

import dev.baton.gateway.config.ConfigTree;

import java.util.Set;

/**
 * Prometheus metrics of a node ({@code observability.metrics}), scraped at {@code GET /metrics}.
 *
 * <pre>{@code
 * observability:
 *   metrics:
 *     enabled: true          # false: no registry, /metrics answers 404
 *     maxWorkflowLabels: 200 # distinct values of the `workflow` label; later workflows are counted as `other`
 * }</pre>
 *
 * @param enabled           whether the node keeps metrics and serves {@code /metrics}
 * @param maxWorkflowLabels how many distinct workflow ids get their own {@code workflow} label value (first come,
 *                          first served); runs of any further workflow are counted under {@code other}. Bounds
 *                          the number of series a node exports. 1 to 10,000.
 */
public record MetricsSettings(boolean enabled, int maxWorkflowLabels) {
    /** Default of {@link #maxWorkflowLabels}. */
    public static final int DEFAULT_MAX_WORKFLOW_LABELS = 200;
    /** Upper bound of {@link #maxWorkflowLabels}. */
    public static final int MAX_WORKFLOW_LABELS = 10_000;

    /** On, 200 workflow label values. */
    public static final MetricsSettings DEFAULT = new MetricsSettings(true, DEFAULT_MAX_WORKFLOW_LABELS);

    public MetricsSettings {
        if (maxWorkflowLabels < 1 || maxWorkflowLabels > MAX_WORKFLOW_LABELS) {
            throw new IllegalArgumentException("maxWorkflowLabels must be between 1 and " + MAX_WORKFLOW_LABELS
                    + ", got " + maxWorkflowLabels);
        }
    }

    /**
     * Reads the subsection strictly (missing: {@link #DEFAULT}).
     *
     * @throws dev.baton.core.error.BatonException {@code INVALID_INPUT} naming the path of an unknown key, a wrong
     *                                             type or an out-of-range value
     */
    static MetricsSettings read(ConfigTree tree) {
        tree.fields(Set.of("enabled", "maxWorkflowLabels"));
        return new MetricsSettings(tree.get("enabled").bool(DEFAULT.enabled()),
                (int) tree.get("maxWorkflowLabels").integer(DEFAULT_MAX_WORKFLOW_LABELS, 1, MAX_WORKFLOW_LABELS));
    }
}
