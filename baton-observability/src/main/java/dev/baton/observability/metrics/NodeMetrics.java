package dev.baton.observability.metrics;

import dev.baton.core.engine.LocalEngine;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.cache.CacheStats;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.observability.MetricsSettings;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The metrics of one node: its own {@link PrometheusMeterRegistry} (never the global one, so that several nodes
 * in one JVM, as in tests, keep apart), the JVM and process binders ({@code jvm_memory_*}, {@code jvm_gc_*} (with {@code jvm_gc_overhead}),
 * {@code jvm_threads_*}, {@code jvm_classes_*}, {@code jvm_info}, {@code system_cpu_*}, {@code process_cpu_*},
 * {@code process_uptime_seconds}, {@code process_files_*}), the engine's {@link EngineMetrics} and, once
 * {@link #gateway asked for}, the gateway's {@link GatewayMetrics}; and the scrape in the format the scraper asks
 * for.
 *
 * <pre>{@code
 * NodeMetrics metrics = NodeMetrics.start(settings);
 * LocalEngine engine = LocalEngine.builder(...).observer(metrics.engine()).build();
 * metrics.engine().bind(engine);
 * NodeMetrics.Scrape scrape = metrics.scrape(request.header("Accept"));
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} unhooks the GC listener and closes the registry.
 */
public final class NodeMetrics implements AutoCloseable {
    /** The Prometheus text format 0.0.4 content type. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The OpenMetrics 1.0 text content type, served when the {@code Accept} header names OpenMetrics. */
    public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final MetricsSettings settings;
    private final PrometheusMeterRegistry registry;
    private final EngineMetrics engine;
    private final JvmGcMetrics gc;
    private final JvmHeapPressureMetrics heapPressure;
    private final AtomicReference<GatewayMetrics> gateway = new AtomicReference<>();

    private NodeMetrics(MetricsSettings settings, PrometheusMeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        this.heapPressure = new JvmHeapPressureMetrics();
        heapPressure.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        this.engine = new EngineMetrics(registry, settings.maxWorkflowLabels());
    }

    /**
     * A node's metrics with a fresh registry and the JVM and process binders.
     *
     * @throws IllegalArgumentException when {@code settings} has metrics disabled (the node then has none)
     */
    public static NodeMetrics start(MetricsSettings settings) {
        return start(settings, Clock.SYSTEM);
    }

    /** As {@link #start(MetricsSettings)} with the registry's clock (tests pass a {@code MockClock}). */
    public static NodeMetrics start(MetricsSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("metrics are disabled (observability.metrics.enabled: false)");
        }
        return new NodeMetrics(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), Objects.requireNonNull(clock, "clock")));
    }

    /** The settings it was started with. */
    public MetricsSettings settings() {
        return settings;
    }

    /** The registry (to add meters of one's own). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The engine's observer; pass it to {@code LocalEngine.builder(...).observer(...)}, then {@link #bind}. */
    public EngineMetrics engine() {
        return engine;
    }

    /**
     * The gateway's metrics for {@code config} (created on the first call; later calls return the same), to give
     * the usage recorder as its listener.
     *
     * @param config the gateway configuration as served (aliases and deployments are the allowed label values)
     */
    public GatewayMetrics gateway(GatewayConfig config) {
        GatewayMetrics current = gateway.get();
        if (current == null) {
            // a racing second instance registers the same meters, which the registry shares; only one is kept
            gateway.compareAndSet(null, new GatewayMetrics(registry, config));
            current = gateway.get();
        }
        return current;
    }

    /**
     * Binds the gauges to the running parts: the engine's load, and (when {@code admin} is not null) the
     * gateway's deployments and cache, creating the gateway metrics from {@code config} if needed.
     *
     * @param cache the response cache's counters, or {@code null} when there is no cache
     */
    public void bind(LocalEngine engine, GatewayConfig config, GatewayAdmin admin, Supplier<CacheStats> cache) {
        this.engine.bind(engine);
        if (admin != null) {
            gateway(config).bind(admin, cache);
        }
    }

    /**
     * Renders every meter: OpenMetrics text when {@code accept} names {@code application/openmetrics-text},
     * else the Prometheus text format 0.0.4.
     *
     * @param accept the request's {@code Accept} header, or {@code null}
     */
    public Scrape scrape(String accept) {
        String type = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
                ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
        return new Scrape(type, registry.scrape(type));
    }

    /**
     * One rendering of the registry.
     *
     * @param contentType the {@code Content-Type} to answer with
     * @param body        the exposition text
     */
    public record Scrape(String contentType, String body) {
        public Scrape {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    @Override
    public void close() {
        gc.close();
        heapPressure.close();
        registry.close();
    }
}
