package dev.baton.ai.testing;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.provider.Provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal {@link Gateway} for tests that exercise real providers over HTTP without the router: each alias is
 * served by its first deployment through the provider of that type, one attempt, no retries, no cache; the
 * answer's {@link Served} carries the cost from the deployment's prices. Thread-safe (immutable).
 */
public final class DirectGateway implements Gateway {
    private final Map<String, ModelAlias> aliases = new TreeMap<>();
    private final Map<String, Provider> providers = new TreeMap<>();

    public DirectGateway(List<ModelAlias> aliases, List<Provider> providers) {
        aliases.forEach(alias -> this.aliases.put(alias.name(), alias));
        providers.forEach(provider -> this.providers.put(provider.type(), provider));
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        Deployment deployment = deployment(request.model());
        ChatResponse response = provider(deployment).chat(deployment, request.withModel(deployment.upstreamModel()));
        return response.withServed(served(request.model(), deployment, response.usage()));
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        Deployment deployment = deployment(request.model());
        StreamResult result = provider(deployment).stream(deployment, request.withModel(deployment.upstreamModel()), sink);
        return result.withServed(served(request.model(), deployment, result.usage()));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        Deployment deployment = deployment(request.model());
        EmbeddingResponse response = provider(deployment).embed(deployment,
                request.withModel(deployment.upstreamModel()));
        return response.withServed(served(request.model(), deployment, response.usage()));
    }

    @Override
    public List<ModelInfo> models() {
        return aliases.values().stream().map(alias -> new ModelInfo(alias.name(), alias.kind(),
                alias.deployments().stream().map(Deployment::id).toList(), alias.fallbacks())).toList();
    }

    private Deployment deployment(String alias) {
        ModelAlias model = aliases.get(alias);
        if (model == null) {
            throw BatonException.notFound("model", alias);
        }
        return model.deployments().getFirst();
    }

    private Provider provider(Deployment deployment) {
        return providers.get(deployment.provider());
    }

    private static Served served(String alias, Deployment deployment, Usage usage) {
        return new Served(alias, deployment.id(), deployment.provider(), deployment.upstreamModel(), 1, Duration.ZERO,
                null, deployment.pricing().cost(usage), false);
    }
}
