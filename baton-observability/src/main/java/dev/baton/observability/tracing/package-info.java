/**
 * OpenTelemetry traces of a Baton node: the SDK set-up ({@link dev.baton.observability.tracing.Tracing}: resource,
 * parent-based sampler over {@link dev.baton.observability.tracing.RandomnessSampler} (a ratio of the random
 * lower 56 bits of the trace id), batch processor, OTLP/HTTP exporter over the JDK's HttpClient
 * ({@code opentelemetry-exporter-sender-jdk}), W3C trace context), the trace model of runs
 * ({@link dev.baton.observability.tracing.RunTrace}: one trace per run, stable across restarts and nodes) and the
 * engine observer that records it ({@link dev.baton.observability.tracing.EngineTracing}).
 *
 * <p>May depend on baton-core, the OpenTelemetry API and SDK, the OTLP exporter and SLF4J (for the MDC); never on
 * the server or a web framework.
 */
package dev.baton.observability.tracing;
