package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.server.NodeStartup;
import dev.baton.server.ComponentHealth;
import io.javalin.http.Context;

import java.util.Map;

/**
 * Liveness ({@code 200} whenever the process serves requests) and readiness ({@code 200} when every component
 * of the node is ready, else {@code 503} with {@code Retry-After} and per-component detail).
 */
final class HealthEndpoints {
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
     * {@code {status: "ready"|"not-ready", components: {store: {ready, detail}, embeddingModel: {...}}}}; while the
     * node is still opening, one component {@code node} (not ready) says so.
     */
    void ready(Context ctx) {
        Map<String, ComponentHealth> components = startup.readiness();
        boolean ready = components.values().stream().allMatch(ComponentHealth::ready);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", ready ? "ready" : "not-ready");
        ObjectNode list = body.putObject("components");
        components.forEach((name, health) -> {
            ObjectNode item = list.putObject(name);
            item.put("ready", health.ready());
            item.put("detail", health.detail());
        });
        if (!ready) {
            ctx.header("Retry-After", "5");
        }
        Json.respond(ctx, ready ? 200 : 503, body);
    }
}
