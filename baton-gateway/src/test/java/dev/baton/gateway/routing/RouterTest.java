package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.baton.gateway.routing.Fixtures.BASE;
import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.embedding;
import static dev.baton.gateway.routing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterTest {
    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final Router router = router(config(
            chat("gpt", Strategy.PRIORITY, List.of("small"), deployment("gpt-eu", s -> s.pricing(2.5, 10))),
            chat("small", Strategy.ROUND_ROBIN, deployment("small-1"), deployment("small-2")),
            embedding("embed", deployment("embed-1", s -> s.pricing(0.02, 0)))), provider, clock, sleeper);

    @Test
    void a_chat_reaches_the_provider_with_the_upstream_model_and_comes_back_with_served_filled() {
        provider.usage(new Usage(1000, 500, false)).latency("gpt-eu", Duration.ofMillis(700));
        var response = router.chat(ask("gpt"), CALLER);
        assertThat(provider.calls()).containsExactly(new ScriptedProvider.Call("gpt-eu", "gpt-eu-model", "chat"));
        var served = response.served();
        assertThat(served.alias()).isEqualTo("gpt");
        assertThat(served.deployment()).isEqualTo("gpt-eu");
        assertThat(served.provider()).isEqualTo(ScriptedProvider.TYPE);
        assertThat(served.upstreamModel()).isEqualTo("gpt-eu-model");
        assertThat(served.attempts()).isEqualTo(1);
        assertThat(served.latency()).isEqualTo(Duration.ofMillis(700));
        assertThat(served.timeToFirstToken()).isNull();
        assertThat(served.costUsd()).isEqualTo((1000 * 2.5 + 500 * 10) / 1_000_000.0);
        assertThat(served.cacheHit()).isFalse();
        assertThat(response.message().content()).isEqualTo("hello from gpt-eu");
    }

    @Test
    void embeddings_are_routed_and_priced() {
        provider.usage(new Usage(50, 0, false));
        var response = router.embed(EmbeddingRequest.of("embed", List.of("one", "two")), CALLER);
        assertThat(response.vectors()).hasSize(2);
        assertThat(provider.calls()).containsExactly(new ScriptedProvider.Call("embed-1", "embed-1-model", "embed"));
        assertThat(response.served().costUsd()).isEqualTo(50 * 0.02 / 1_000_000.0);
        assertThat(response.served().alias()).isEqualTo("embed");
    }

    @Test
    void an_unknown_alias_is_not_found_and_named() {
        assertThatThrownBy(() -> router.chat(ask("gpt-5"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("model 'gpt-5' does not exist", "embed, gpt, small");
                });
    }

    @Test
    void chat_to_an_embedding_alias_and_embeddings_from_a_chat_alias_are_invalid_input() {
        assertThatThrownBy(() -> router.chat(ask("embed"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("'embed' is an embedding model");
                });
        assertThatThrownBy(() -> router.embed(EmbeddingRequest.of("gpt", List.of("x")), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("'gpt' is a chat model");
                });
        assertThatThrownBy(() -> router.stream(ask("embed"), CALLER, c -> { }))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThat(provider.calls()).isEmpty();
    }

    @Test
    void models_lists_every_alias_sorted_with_deployments_and_fallbacks() {
        assertThat(router.models()).containsExactly(
                new ModelInfo("embed", ModelKind.EMBEDDING, List.of("embed-1"), List.of()),
                new ModelInfo("gpt", ModelKind.CHAT, List.of("gpt-eu"), List.of("small")),
                new ModelInfo("small", ModelKind.CHAT, List.of("small-1", "small-2"), List.of()));
    }

    @Test
    void a_deployment_of_a_provider_type_that_is_not_available_is_refused_at_construction() {
        var cfg = config(chat("m", Strategy.PRIORITY, Deployment.of("x", "anthropic", BASE, "claude")));
        assertThatThrownBy(() -> new Router(cfg, Map.of(ScriptedProvider.TYPE, provider), clock,
                new SplittableRandom(1), sleeper))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("models.m.deployments.x.provider", "'anthropic'", "fake");
                });
    }

    @Test
    void a_provider_defect_is_an_internal_error_and_not_retried() {
        provider.then("a", new ScriptedProvider.Crash(new NullPointerException("oops")));
        var r = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))), provider, clock,
                sleeper);
        assertThatThrownBy(() -> r.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).contains("deployment a", "oops");
                });
        assertThat(r.deployment("a").inFlight()).isZero();
        assertThat(provider.deploymentsCalled()).containsExactly("a");
    }

    @Test
    void close_stops_the_probe_schedule_and_the_router_stays_usable() {
        router.close();
        assertThat(router.chat(ask("gpt"), CALLER).served()).isNotNull();
    }
}
