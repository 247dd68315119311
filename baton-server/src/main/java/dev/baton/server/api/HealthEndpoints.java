package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.server.ComponentHealth;
import dev.baton.server.HealthReport;
import dev.baton.server.HealthStatus;
import dev.baton.server.NodeStartup;
import io.javalin.http.Context;

import java.util.Locale;
import java.util.Map;

/**
 * Health in the shapes Kubernetes probes and operators expect, without authentication:
 * <ul>
 *   <li>liveness ({@code 200} whenever the process serves requests; no work at all);</li>
 *   <li>readiness ({@code 200} when the store answers with its schema migrated and the embedding model is
 *       loaded, else {@code 503} with {@code Retry-After} and per-component detail);</li>
 *   <li>the detailed view ({@link HealthReport}: each component and every gateway deployment; {@code 200} when
 *       UP or DEGRADED, {@code 503} with {@code Retry-After} when DOWN).</li>
 * </ul>
 */
final class HealthEndpoints {
    /** Seconds a client should wait before asking a node that is not ready again. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final NodeStartup startup;

    HealthEndpoints(NodeStartup startup) {
        this.startup = startup;
    }

    void live(Context ctx) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "up");
        Json.respond(ctx, 200, body);
    }

    /**
     * {@code {status: "ready"|"not-ready"|"draining", node, components: {store: {ready, detail}, embeddingModel:
     * {...}}}}; while the node is still opening, one component {@code node} (not ready) says so; while it drains
     * (graceful shutdown), status {@code draining} and a {@code drain} component.
     */
    void ready(Context ctx) {
        Map<String, ComponentHealth> components = startup.readiness();
        boolean ready = components.values().stream().allMatch(ComponentHealth::ready);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", startup.draining() ? "draining" : ready ? "ready" : "not-ready");
        body.put("node", startup.config().cluster().nodeId());
        ObjectNode list = body.putObject("components");
        components.forEach((name, health) -> {
            ObjectNode item = list.putObject(name);
            item.put("ready", health.ready());
            item.put("detail", health.detail());
        });
        if (!ready) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        Json.respond(ctx, ready ? 200 : 503, body);
    }

    /**
     * {@code {status: UP|DEGRADED|DOWN, checkedAt, detail, node: {id, mode, draining}, components: {store,
     * embeddingModel, engine, gateway}}}; components are absent while the node is starting.
     */
    void detail(Context ctx) {
        HealthReport report = startup.health();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", report.status().name());
        body.put("checkedAt", report.checkedAt().toString());
        body.put("detail", report.detail());
        ObjectNode node = body.putObject("node");
        node.put("id", startup.config().cluster().nodeId());
        node.put("mode", startup.config().clustered() ? "cluster" : "single");
        node.put("draining", startup.draining());
        if (report.store() != null) {
            ObjectNode components = body.putObject("components");
            HealthReport.StoreHealth store = report.store();
            ObjectNode storeNode = components.putObject("store");
            storeNode.put("status", store.status().name());
            storeNode.put("type", store.type());
            storeNode.put("reachable", store.reachable());
            storeNode.put("schemaVersion", store.schemaVersion());
            storeNode.put("expectedSchemaVersion", store.expectedVersion());
            storeNode.put("latencyMs", Math.round(store.latencyMs() * 1000) / 1000.0);
            storeNode.put("detail", store.detail());
            HealthReport.ModelHealth model = report.embeddingModel();
            ObjectNode modelNode = components.putObject("embeddingModel");
            modelNode.put("status", model.status().name());
            modelNode.put("name", model.name());
            modelNode.put("state", model.state());
            modelNode.put("detail", model.detail());
            HealthReport.EngineHealth engine = report.engine();
            ObjectNode engineNode = components.putObject("engine");
            engineNode.put("status", engine.status().name());
            engineNode.put("runsInFlight", engine.runsInFlight());
            engineNode.put("runsQueued", engine.runsQueued());
            engineNode.put("attemptsWaiting", engine.attemptsWaiting());
            engineNode.put("maxRunningRuns", engine.maxRunningRuns());
            engineNode.put("maxQueuedRuns", engine.maxQueuedRuns());
            ObjectNode gatewayNode = components.putObject("gateway");
            gatewayNode.put("status", report.gateway().status().name());
            ArrayNode deployments = gatewayNode.putArray("deployments");
            for (HealthReport.GatewayHealth.Deployment d : report.gateway().deployments()) {
                ObjectNode item = deployments.addObject();
                item.put("id", d.id());
                item.put("alias", d.alias());
                item.put("provider", d.provider());
                item.put("model", d.model());
                item.put("enabled", d.enabled());
                item.put("health", wireName(d.health().name()));
                item.put("breaker", wireName(d.breaker().name()));
                item.put("uptimePercent", d.uptimePercent());
                item.put("inFlight", d.inFlight());
                item.put("latencyEwmaMs", Math.round(d.latencyEwmaMs() * 10) / 10.0);
            }
        }
        boolean down = report.status() == HealthStatus.DOWN;
        if (down) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        Json.respond(ctx, down ? 503 : 200, body);
    }

    /** {@code HALF_OPEN} → {@code half-open}, as the gateway's deployment routes write states. */
    private static String wireName(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
