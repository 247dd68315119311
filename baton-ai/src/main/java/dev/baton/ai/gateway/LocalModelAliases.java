package dev.baton.ai.gateway;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway aliases of the in-process embedding models: for each model registered under its own name (aliases
 * such as {@code default} are skipped), an {@link ModelKind#EMBEDDING} alias with that name and one
 * {@code local} deployment with id {@code local-<name>}, free, unlimited, breaker off (a model that is loading
 * answers {@code NOT_READY}, which must not open a breaker that would then refuse it once it is ready).
 *
 * <p>The composition root adds them to the configured {@link GatewayConfig} so that {@code /v1/embeddings} and
 * {@code /v1/models} serve the in-process model with no upstream configured:
 * <pre>{@code
 * GatewayConfig config = LocalModelAliases.addTo(configured, embeddingModels);
 * Provider local = new InProcessEmbeddingProvider(embeddingModels);
 * }</pre>
 */
public final class LocalModelAliases {
    /** Prefix of the deployment ids of in-process models. */
    public static final String DEPLOYMENT_PREFIX = "local-";

    private static final BreakerSettings NO_BREAKER = new BreakerSettings(false,
            BreakerSettings.DEFAULT.failureRateThreshold(), BreakerSettings.DEFAULT.slowCallRateThreshold(),
            BreakerSettings.DEFAULT.slowCallDuration(), BreakerSettings.DEFAULT.windowSize(),
            BreakerSettings.DEFAULT.minimumCalls(), BreakerSettings.DEFAULT.openDuration(),
            BreakerSettings.DEFAULT.halfOpenCalls());

    private LocalModelAliases() {
    }

    /** One alias per in-process model, sorted by name. */
    public static List<ModelAlias> of(EmbeddingModelRegistry models) {
        List<ModelAlias> aliases = new ArrayList<>();
        for (String name : models.names()) {
            EmbeddingModel model = models.require(name);
            if (model.name().equals(name)) {
                aliases.add(alias(name));
            }
        }
        return List.copyOf(aliases);
    }

    /** The alias of the in-process model {@code name}. */
    public static ModelAlias alias(String name) {
        Deployment deployment = new Deployment(DEPLOYMENT_PREFIX + name, InProcessEmbeddingProvider.TYPE, null, name,
                null, 1, RateLimits.UNLIMITED, Timeouts.DEFAULT, Pricing.FREE, NO_BREAKER, Map.of(), true);
        return new ModelAlias(name, ModelKind.EMBEDDING, Strategy.PRIORITY, List.of(deployment), List.of());
    }

    /**
     * {@code config} with the aliases of the in-process models added. An alias the configuration already defines
     * under the same name is kept as configured (an operator may route that name elsewhere).
     *
     * @throws IllegalArgumentException when a configured deployment already uses an id {@code local-<name>}
     */
    public static GatewayConfig addTo(GatewayConfig config, EmbeddingModelRegistry models) {
        GatewayConfig result = config;
        for (ModelAlias alias : of(models)) {
            if (!config.models().containsKey(alias.name())) {
                result = result.withModel(alias);
            }
        }
        return result;
    }
}
