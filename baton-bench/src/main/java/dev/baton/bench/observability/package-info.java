/**
 * Shared parts of the harnesses that measure what observability costs ({@code EngineObservabilityCost},
 * {@code GatewayOverhead --observability}): a local OTLP receiver for tracing at 100% sampling.
 */
package dev.baton.bench.observability;
