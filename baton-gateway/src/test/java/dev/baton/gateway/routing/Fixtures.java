package dev.baton.gateway.routing;

import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Building blocks of router tests: deployments of the scripted provider, aliases, configurations, requests. */
final class Fixtures {
    static final URI BASE = URI.create("http://127.0.0.1:9/v1");
    static final CallContext CALLER = CallContext.direct(CallContext.ANONYMOUS);
    static final RetrySettings RETRY = new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(2), 2);

    private Fixtures() {
    }

    /** A deployment of the scripted provider with upstream model {@code id + "-model"}. */
    static Deployment deployment(String id) {
        return Deployment.of(id, ScriptedProvider.TYPE, BASE, id + "-model");
    }

    static Deployment deployment(String id, UnaryOperator<DeploymentSpec> tweak) {
        return tweak.apply(new DeploymentSpec(id, 1, RateLimits.UNLIMITED, Pricing.FREE, BreakerSettings.DEFAULT, true))
                .build();
    }

    /** The variable parts of a test deployment. */
    record DeploymentSpec(String id, int weight, RateLimits limits, Pricing pricing, BreakerSettings breaker,
                          boolean enabled) {
        DeploymentSpec weight(int w) {
            return new DeploymentSpec(id, w, limits, pricing, breaker, enabled);
        }

        DeploymentSpec limits(long rpm, long tpm) {
            return new DeploymentSpec(id, weight, new RateLimits(rpm, tpm), pricing, breaker, enabled);
        }

        DeploymentSpec pricing(double in, double out) {
            return new DeploymentSpec(id, weight, limits, new Pricing(in, out), breaker, enabled);
        }

        DeploymentSpec breaker(BreakerSettings b) {
            return new DeploymentSpec(id, weight, limits, pricing, b, enabled);
        }

        DeploymentSpec disabled() {
            return new DeploymentSpec(id, weight, limits, pricing, breaker, false);
        }

        Deployment build() {
            return new Deployment(id, ScriptedProvider.TYPE, BASE, id + "-model", null, weight, limits,
                    Timeouts.DEFAULT, pricing, breaker, Map.of(), enabled);
        }
    }

    static ModelAlias chat(String name, Strategy strategy, Deployment... deployments) {
        return new ModelAlias(name, ModelKind.CHAT, strategy, Arrays.asList(deployments), List.of());
    }

    static ModelAlias chat(String name, Strategy strategy, List<String> fallbacks, Deployment... deployments) {
        return new ModelAlias(name, ModelKind.CHAT, strategy, Arrays.asList(deployments), fallbacks);
    }

    static ModelAlias embedding(String name, Deployment... deployments) {
        return new ModelAlias(name, ModelKind.EMBEDDING, Strategy.PRIORITY, Arrays.asList(deployments), List.of());
    }

    static GatewayConfig config(ModelAlias... aliases) {
        return config(RETRY, aliases);
    }

    static GatewayConfig config(RetrySettings retry, ModelAlias... aliases) {
        return new GatewayConfig(models(aliases), List.of(), RateLimits.UNLIMITED, Budget.NONE, retry,
                CacheSettings.DEFAULT, HealthSettings.DEFAULT);
    }

    static GatewayConfig config(List<ClientKey> keys, RateLimits anonymous, ModelAlias... aliases) {
        return new GatewayConfig(models(aliases), keys, anonymous, Budget.NONE, RETRY, CacheSettings.DEFAULT,
                HealthSettings.DEFAULT);
    }

    private static Map<String, ModelAlias> models(ModelAlias... aliases) {
        return Arrays.stream(aliases).collect(Collectors.toMap(ModelAlias::name, a -> a));
    }

    static Router router(GatewayConfig config, ScriptedProvider provider, ManualClock clock, Sleeper sleeper) {
        return new Router(config, Map.of(ScriptedProvider.TYPE, provider), clock, new SplittableRandom(42), sleeper);
    }

    static ChatRequest ask(String model) {
        return ChatRequest.of(model, List.of(ChatMessage.user("hello")));
    }

    /** A breaker over a window of 4 calls (all needed), opening at 50 % failures for 10 s, 2 half-open calls. */
    static BreakerSettings smallBreaker() {
        return new BreakerSettings(true, 50, 100, Duration.ofSeconds(30), 4, 4, Duration.ofSeconds(10), 2);
    }
}
