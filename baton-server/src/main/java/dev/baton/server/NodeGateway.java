package dev.baton.server;

import dev.baton.gateway.Gateway;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.server.openai.ClientKeys;

import java.util.Objects;

/**
 * The AI gateway a node serves, as its callers need it: the call path (with caching, accounting and routing
 * behind it), the operator's view of deployments, the usage store that the usage API reads, and the client keys
 * of the OpenAI-compatible API.
 *
 * @param gateway the outermost gateway (what the {@code /v1} API and the {@code llm.*} steps call)
 * @param admin   deployments' status and the enable/disable switch
 * @param usage   where usage records are kept and summarised
 * @param keys    who may call the {@code /v1} API
 * @param cache   the response cache layer (its counters and invalidation for operators), or {@code null} when the
 *                stack has none
 * @param closer  stops what the gateway runs (probes, usage recorder); called by {@link BatonNode#close()}
 *                before the store closes
 */
public record NodeGateway(Gateway gateway, GatewayAdmin admin, UsageStore usage, ClientKeys keys,
                          CachingGateway cache, AutoCloseable closer) {
    public NodeGateway {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(closer, "closer");
    }

    /** A gateway without a cache layer of its own (custom stacks, tests). */
    public NodeGateway(Gateway gateway, GatewayAdmin admin, UsageStore usage, ClientKeys keys, AutoCloseable closer) {
        this(gateway, admin, usage, keys, null, closer);
    }
}
