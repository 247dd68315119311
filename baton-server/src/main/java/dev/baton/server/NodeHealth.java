package dev.baton.server;

import dev.baton.ai.EmbeddingModel;
import dev.baton.core.engine.LocalEngine;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.HealthState;
import dev.baton.server.HealthReport.EngineHealth;
import dev.baton.server.HealthReport.GatewayHealth;
import dev.baton.server.HealthReport.ModelHealth;
import dev.baton.server.HealthReport.StoreHealth;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probes the components of an open node into a {@link HealthReport}: the store (a query and its migration
 * version), the embedding model's state, the engine's queue against its limits and every gateway deployment.
 * Each call probes afresh (one or two small store queries, the rest in memory): cheap enough for a probe every
 * few seconds. Stateless apart from its collaborators; thread-safe.
 */
final class NodeHealth {
    /** Share of {@code engine.maxQueuedRuns} from which the engine is reported DEGRADED. */
    static final double QUEUE_WARNING = 0.9;

    private final NodeStores stores;
    private final String tenantId;
    private final EmbeddingModel model;
    private final LocalEngine engine;
    private final BatonConfig.Engine limits;
    private final GatewayAdmin gateway;
    private final InstantSource clock;

    /**
     * @param model the in-process model, or {@code null} when disabled ({@code ai.enabled: false})
     */
    NodeHealth(NodeStores stores, String tenantId, EmbeddingModel model, LocalEngine engine,
               BatonConfig.Engine limits, GatewayAdmin gateway, InstantSource clock) {
        this.stores = stores;
        this.tenantId = tenantId;
        this.model = model;
        this.engine = engine;
        this.limits = limits;
        this.gateway = gateway;
        this.clock = clock;
    }

    HealthReport report() {
        StoreHealth store = stores.probe(tenantId);
        ModelHealth embeddingModel = model(model);
        EngineHealth engineHealth = engine();
        GatewayHealth gatewayHealth = gateway(gateway.deployments());
        HealthStatus status = store.status().worst(embeddingModel.status()).worst(engineHealth.status())
                .worst(gatewayHealth.status());
        String detail = switch (status) {
            case UP -> "every component is up";
            case DEGRADED -> "serving; a component needs attention (see its status)";
            case DOWN -> "not ready: " + (store.status() == HealthStatus.DOWN ? store.detail() : embeddingModel.detail());
        };
        return new HealthReport(status, clock.instant(), detail, store, embeddingModel, engineHealth, gatewayHealth);
    }

    /** Readiness of the store (reachable, schema migrated) and the embedding model (loaded, or disabled). */
    static Map<String, ComponentHealth> readiness(NodeStores stores, String tenantId, EmbeddingModel model) {
        Map<String, ComponentHealth> components = new LinkedHashMap<>();
        HealthReport.StoreHealth store = stores.probe(tenantId);
        components.put("store", new ComponentHealth(store.status() == HealthStatus.UP, store.detail()));
        HealthReport.ModelHealth embedding = model(model);
        components.put("embeddingModel", new ComponentHealth(embedding.status() == HealthStatus.UP,
                embedding.detail()));
        return components;
    }

    /** The model's health: UP when ready or disabled, DOWN while loading or after a failed load. */
    static ModelHealth model(EmbeddingModel model) {
        if (model == null) {
            return new ModelHealth(HealthStatus.UP, null, "disabled", "disabled (ai.enabled: false)");
        }
        return switch (model.state()) {
            case READY -> new ModelHealth(HealthStatus.UP, model.name(), "ready", model.name() + " loaded");
            case LOADING -> new ModelHealth(HealthStatus.DOWN, model.name(), "loading", model.name() + " is loading");
            case FAILED -> new ModelHealth(HealthStatus.DOWN, model.name(), "failed", model.name()
                    + " failed to load; embed, similarity and classify steps fail until restart (see the log)");
        };
    }

    private EngineHealth engine() {
        int queued = engine.queuedRuns();
        HealthStatus status = queued >= QUEUE_WARNING * limits.maxQueuedRuns() ? HealthStatus.DEGRADED : HealthStatus.UP;
        return new EngineHealth(status, engine.activeRuns(), queued, engine.attemptsWaitingForPermits(),
                limits.maxRunningRuns(), limits.maxQueuedRuns());
    }

    /** DEGRADED when an enabled deployment is degraded, unhealthy or its breaker open; disabled ones don't count. */
    static GatewayHealth gateway(List<DeploymentStatus> deployments) {
        HealthStatus status = HealthStatus.UP;
        List<GatewayHealth.Deployment> items = new ArrayList<>(deployments.size());
        for (DeploymentStatus d : deployments) {
            items.add(new GatewayHealth.Deployment(d.id(), d.alias(), d.provider(), d.upstreamModel(), d.enabled(),
                    d.health(), d.breaker(), d.uptimePercent(), d.inFlight(), d.latencyEwmaMillis()));
            boolean failing = d.health() == HealthState.DEGRADED || d.health() == HealthState.UNHEALTHY
                              || d.breaker() == BreakerState.OPEN;
            if (d.enabled() && failing) {
                status = HealthStatus.DEGRADED;
            }
        }
        return new GatewayHealth(status, items);
    }
}
