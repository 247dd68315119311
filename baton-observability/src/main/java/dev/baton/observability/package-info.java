/**
 * Observability of a Baton node: its configuration ({@link dev.baton.observability.ObservabilityConfig}), and in
 * sub-packages Prometheus metrics, OpenTelemetry traces, host monitoring and alerts.
 *
 * <p>May depend on baton-core, baton-gateway, Micrometer, the OpenTelemetry SDK, OSHI and SLF4J; never on the
 * server or a web framework (the server exposes what this module computes).
 */
package dev.baton.observability;
