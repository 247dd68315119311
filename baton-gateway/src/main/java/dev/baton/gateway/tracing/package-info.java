/**
 * Traces of gateway calls: {@link dev.baton.gateway.tracing.TracedGateway}, the outermost layer of the stack, one
 * span per call with the OpenTelemetry GenAI attributes. The spans of upstream attempts and the propagation of
 * {@code traceparent} to providers are in {@link dev.baton.gateway.provider.http.UpstreamHttp}.
 *
 * <p>Depends on the gateway's API and the OpenTelemetry API only (never the SDK: the node injects an
 * {@link io.opentelemetry.api.OpenTelemetry}, by default the no-op one).
 */
package dev.baton.gateway.tracing;
