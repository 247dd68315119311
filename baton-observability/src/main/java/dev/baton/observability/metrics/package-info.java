/**
 * Prometheus metrics of a node (Micrometer): {@link dev.baton.observability.metrics.EngineMetrics} watches runs
 * and step attempts through the engine's {@link dev.baton.core.engine.EngineObserver} SPI,
 * {@link dev.baton.observability.metrics.GatewayMetrics} counts every gateway call from its
 * {@link dev.baton.gateway.usage.UsageRecord} and reads breakers, health, in-flight calls and the cache at scrape
 * time, and {@link dev.baton.observability.metrics.NodeMetrics} owns the node's
 * {@link io.micrometer.prometheusmetrics.PrometheusMeterRegistry} with the JVM and process binders and renders
 * the scrape. Metric names and labels are listed in {@code docs/operations.md} ("Metrics").
 *
 * <p>Label values are bounded: workflow ids are capped ({@link dev.baton.observability.MetricsSettings}), model
 * aliases and deployments are the configured ones, run ids never appear. Meters are created once per label
 * combination and cached, so the engine's and gateway's hot paths do a map lookup and an atomic add.
 *
 * <p>May depend on baton-core (engine SPI, run model), baton-gateway (usage, admin, cache, config), Micrometer and
 * the Prometheus client it brings; never on the server or a web framework.
 */
package dev.baton.observability.metrics;
