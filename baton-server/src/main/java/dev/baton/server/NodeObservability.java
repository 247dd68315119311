package dev.baton.server;

import dev.baton.core.engine.EngineObserver;
import dev.baton.core.engine.LocalEngine;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.usage.UsageListener;
import dev.baton.observability.ObservabilityConfig;
import dev.baton.observability.alerts.Monitoring;
import dev.baton.observability.metrics.NodeMetrics;
import dev.baton.observability.tracing.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.opentelemetry.api.OpenTelemetry;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What watches a node, from {@code observability:}: its Prometheus metrics (none when
 * {@code metrics.enabled: false}), its tracing (the no-op API unless {@code tracing.enabled}) and its host
 * monitoring and alerts.
 *
 * <p>Started before the rest of the node, so the gateway and the {@code http} step are built with its
 * {@link #openTelemetry()} and {@link #usageListener}; {@link #attach} then opens monitoring over the assembled
 * gateway and gives the engine its observers, and {@link #bind} points the gauges at the built engine. Closed after
 * the rest of the node: tracing last, so the spans of the runs the engine stopped are flushed. Not thread-safe
 * during start-up (one thread opens a node); its parts are thread-safe.
 */
final class NodeObservability implements AutoCloseable {
    private final ObservabilityConfig config;
    private final NodeMetrics metrics;
    private final Tracing tracing;
    private Monitoring monitoring;

    private NodeObservability(ObservabilityConfig config, NodeMetrics metrics, Tracing tracing) {
        this.config = config;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /**
     * Starts metrics and tracing.
     *
     * @param environment the {@code OTEL_*} variables and the {@code env:} secrets of tracing headers
     * @throws dev.baton.core.error.BatonException INVALID_INPUT when a tracing header's secret cannot be read
     */
    static NodeObservability start(ObservabilityConfig config, Map<String, String> environment) {
        NodeMetrics metrics = config.metrics().enabled() ? NodeMetrics.start(config.metrics()) : null;
        try {
            Tracing tracing = Tracing.start(config.tracing().withEnvironment(environment), environment,
                    NodeObservability.class.getPackage().getImplementationVersion());
            return new NodeObservability(config, metrics, tracing);
        } catch (RuntimeException | Error e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
    }

    /** Where gateway, upstream, {@code http} step and engine spans go. */
    OpenTelemetry openTelemetry() {
        return tracing.openTelemetry();
    }

    /** Counts every gateway call of the aliases of {@code served} (nothing when metrics are off). */
    UsageListener usageListener(GatewayConfig served) {
        return metrics == null ? UsageListener.NONE : metrics.gateway(served);
    }

    /**
     * Opens host monitoring and alerts over the gateway's deployments and returns every engine observer: tracing
     * (when enabled), the alerts' window of recent runs (when a run rule is enabled), metrics (when enabled);
     * {@link EngineObserver#NONE} when none is, so the engine observes nothing at all.
     */
    EngineObserver attach(Path dataDir, NodeGateway gateway, Map<String, String> environment, InstantSource clock) {
        monitoring = Monitoring.open(config.system(), config.alerts(), dataDir, gateway.admin()::deployments,
                environment, clock);
        List<EngineObserver> observers = new ArrayList<>();
        observers.add(tracing.engineObserver());
        observers.add(monitoring.observer());
        if (metrics != null) {
            observers.add(metrics.engine());
        }
        return EngineObserver.of(observers);
    }

    /**
     * Points the engine and gateway gauges at the built engine, exports {@code baton_node_info{node, mode}} (1; mode
     * {@code cluster} or {@code single}) and starts host sampling.
     */
    void bind(LocalEngine engine, GatewayConfig served, NodeGateway gateway, String nodeId, boolean clustered) {
        if (metrics != null) {
            CachingGateway cache = gateway.cache();
            metrics.bind(engine, served, gateway.admin(), cache == null ? null : cache::stats);
            Gauge.builder("baton.node.info", () -> 1)
                    .description("this node's id in its cluster (1); aggregate or filter other metrics by scrape target")
                    .tag("node", nodeId)
                    .tag("mode", clustered ? "cluster" : "single")
                    .register(metrics.registry());
        }
        monitoring.start();
    }

    Optional<NodeMetrics> metrics() {
        return Optional.ofNullable(metrics);
    }

    Monitoring monitoring() {
        return monitoring;
    }

    Tracing tracing() {
        return tracing;
    }

    /** Stops monitoring, then metrics, then flushes and stops tracing. */
    @Override
    public void close() {
        try {
            if (monitoring != null) {
                monitoring.close();
            }
        } finally {
            try {
                if (metrics != null) {
                    metrics.close();
                }
            } finally {
                tracing.close();
            }
        }
    }
}
