package dev.baton.observability;

import java.util.Objects;

/**
 * The {@code observability:} section of {@code baton.yaml}: metrics, traces, logs, host monitoring and alerts.
 * Read strictly by {@link ObservabilityConfigReader}; every part has a default, so the section may be absent.
 *
 * @param metrics Prometheus metrics at {@code /metrics}
 * @param tracing OpenTelemetry traces exported over OTLP (off by default)
 * @param logs    the log format
 * @param system  host monitoring (CPU, memory, disk, network, JVM) with a history window
 * @param alerts  alert rules and their optional webhook
 */
public record ObservabilityConfig(MetricsSettings metrics, TracingSettings tracing, LogSettings logs,
                                  SystemSettings system, AlertSettings alerts) {

    /** Every part at its default: metrics and monitoring on, tracing off, default alert rules, no webhook. */
    public static final ObservabilityConfig DEFAULT = new ObservabilityConfig(MetricsSettings.DEFAULT,
            TracingSettings.DEFAULT, LogSettings.DEFAULT, SystemSettings.DEFAULT, AlertSettings.DEFAULT);

    public ObservabilityConfig {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(alerts, "alerts");
    }
}
