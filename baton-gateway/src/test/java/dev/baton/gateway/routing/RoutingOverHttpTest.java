package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.HealthState;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
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
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.anthropic.AnthropicProvider;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.testing.FakeAnthropicServer;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.gateway.testing.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The router over real HTTP: the real {@link OpenAiProvider} against {@link FakeOpenAiServer}s on 127.0.0.1, one
 * server per deployment, with the fake's fault injection. Router time is a manual clock (backoff waits are
 * recorded, not slept) except where a strategy measures real latency.
 */
class RoutingOverHttpTest {
    private static final CallContext CALLER = CallContext.direct(CallContext.ANONYMOUS);
    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5));
    private static final RetrySettings RETRY = new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(2), 2);

    private final Map<String, FakeOpenAiServer> servers = new HashMap<>();
    private final OpenAiProvider provider = new OpenAiProvider(Map.of());
    private final ManualClock clock = new ManualClock();
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final List<Router> routers = new ArrayList<>();

    @AfterEach
    void close() {
        routers.forEach(Router::close);
        servers.values().forEach(FakeOpenAiServer::close);
        provider.close();
    }

    private FakeOpenAiServer server(String id) {
        return servers.computeIfAbsent(id, i -> new FakeOpenAiServer());
    }

    private Deployment deployment(String id, UnaryOperator<Deployment> tweak) {
        var d = new Deployment(id, OpenAiProvider.TYPE, server(id).baseUrl(), id + "-model", null, 1,
                RateLimits.UNLIMITED, TIMEOUTS, new Pricing(1, 2), BreakerSettings.DEFAULT, Map.of(), true);
        return tweak.apply(d);
    }

    private Deployment deployment(String id) {
        return deployment(id, d -> d);
    }

    private static Deployment with(Deployment d, int weight, RateLimits limits, BreakerSettings breaker) {
        return new Deployment(d.id(), d.provider(), d.baseUrl(), d.upstreamModel(), d.apiKey(), weight, limits,
                d.timeouts(), d.pricing(), breaker, d.headers(), d.enabled());
    }

    private static ModelAlias alias(String name, Strategy strategy, List<String> fallbacks, Deployment... ds) {
        return new ModelAlias(name, ModelKind.CHAT, strategy, List.of(ds), fallbacks);
    }

    private Router router(List<ClientKey> keys, InstantSource time, ModelAlias... aliases) {
        return router(RETRY, keys, time, aliases);
    }

    private Router router(RetrySettings retry, List<ClientKey> keys, InstantSource time, ModelAlias... aliases) {
        var models = new HashMap<String, ModelAlias>();
        for (ModelAlias a : aliases) {
            models.put(a.name(), a);
        }
        var config = new GatewayConfig(models, keys, RateLimits.UNLIMITED, Budget.NONE, retry, CacheSettings.DEFAULT,
                HealthSettings.DEFAULT);
        var router = new Router(config, Map.of(OpenAiProvider.TYPE, provider), time, new SplittableRandom(7), sleeper);
        routers.add(router);
        return router;
    }

    private Router router(ModelAlias... aliases) {
        return router(List.of(), clock, aliases);
    }

    private static ChatRequest ask(String model) {
        return ChatRequest.of(model, List.of(ChatMessage.user("hello there")));
    }

    @Test
    void round_robin_spreads_calls_over_the_servers_with_each_upstream_model() {
        var router = router(alias("m", Strategy.ROUND_ROBIN, List.of(), deployment("a"), deployment("b"),
                deployment("c")));
        for (int i = 0; i < 6; i++) {
            assertThat(router.chat(ask("m"), CALLER).message().content()).isEqualTo("You said: hello there");
        }
        for (String id : List.of("a", "b", "c")) {
            assertThat(server(id).requestCount()).isEqualTo(2);
            assertThat(server(id).lastRequest().json().path("model").asText()).isEqualTo(id + "-model");
        }
    }

    @Test
    void weighted_sends_about_three_quarters_to_the_heavy_server() {
        var router = router(alias("m", Strategy.WEIGHTED, List.of(),
                deployment("light"), deployment("heavy", d -> with(d, 3, d.limits(), d.breaker()))));
        for (int i = 0; i < 200; i++) {
            router.chat(ask("m"), CALLER);
        }
        assertThat(server("heavy").requestCount() / 200.0).isCloseTo(0.75, within(0.1));
        assertThat(server("light").requestCount() + server("heavy").requestCount()).isEqualTo(200);
    }

    @Test
    void least_busy_avoids_the_server_still_working_on_a_call() throws Exception {
        var router = router(alias("m", Strategy.LEAST_BUSY, List.of(), deployment("a"), deployment("b")));
        server("a").enqueue(new Fault.DelayHeaders(Duration.ofMillis(400)));
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var slow = threads.submit(() -> router.chat(ask("m"), CALLER));
            while (router.deployment("a").inFlight() == 0) {
                Thread.onSpinWait();
            }
            assertThat(router.chat(ask("m"), CALLER).served().deployment()).isEqualTo("b");
            assertThat(slow.get().served().deployment()).isEqualTo("a");
        }
    }

    @Test
    void latency_prefers_the_faster_server_after_trying_each() {
        var router = router(List.of(), InstantSource.system(), alias("m", Strategy.LATENCY, List.of(),
                deployment("slow"), deployment("fast")));
        server("slow").always(new Fault.DelayHeaders(Duration.ofMillis(300)));
        for (int i = 0; i < 5; i++) {
            router.chat(ask("m"), CALLER);
        }
        assertThat(server("slow").requestCount()).isEqualTo(1);
        assertThat(server("fast").requestCount()).isEqualTo(4);
        assertThat(router.deployment("slow").latencyEwmaMillis())
                .isGreaterThan(router.deployment("fast").latencyEwmaMillis());
    }

    @Test
    void priority_fails_over_from_a_5xx_server_to_the_next() {
        var router = router(alias("m", Strategy.PRIORITY, List.of(), deployment("primary"), deployment("backup")));
        server("primary").enqueue(new Fault.Status(503, null, null));
        var response = router.chat(ask("m"), CALLER);
        assertThat(response.served().deployment()).isEqualTo("backup");
        assertThat(response.served().attempts()).isEqualTo(2);
        assertThat(response.served().costUsd()).isPositive();
        router.chat(ask("m"), CALLER);
        assertThat(server("primary").requestCount()).isEqualTo(2);
        assertThat(server("backup").requestCount()).isEqualTo(1);
    }

    @Test
    void a_failing_servers_breaker_opens_and_it_stops_getting_requests() {
        var breaker = new BreakerSettings(true, 50, 100, Duration.ofSeconds(30), 4, 4, Duration.ofSeconds(30), 1);
        var router = router(alias("m", Strategy.ROUND_ROBIN, List.of(),
                deployment("broken", d -> with(d, 1, d.limits(), breaker)), deployment("fine")));
        server("broken").always(new Fault.Status(500, null, null));
        for (int i = 0; i < 20; i++) {
            assertThat(router.chat(ask("m"), CALLER).served().deployment()).isEqualTo("fine");
        }
        assertThat(router.deployment("broken").breaker()).isEqualTo(BreakerState.OPEN);
        assertThat(router.deployment("broken").health()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(server("broken").requestCount()).isEqualTo(4);

        server("broken").always(null);
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 4; i++) {
            router.chat(ask("m"), CALLER);
        }
        assertThat(router.deployment("broken").breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(server("broken").requestCount()).isGreaterThan(4);
    }

    @Test
    void connection_resets_wrong_json_and_timeouts_fail_over() {
        var fastTimeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        var retry4 = new RetrySettings(4, Duration.ofMillis(100), Duration.ofSeconds(2), 2);
        var router = router(retry4, List.of(), clock, alias("m", Strategy.PRIORITY, List.of(),
                deployment("reset"), deployment("garbled"),
                deployment("stuck", d -> new Deployment(d.id(), d.provider(), d.baseUrl(), d.upstreamModel(), null, 1,
                        d.limits(), fastTimeouts, d.pricing(), d.breaker(), Map.of(), true)),
                deployment("good")));
        server("reset").enqueue(new Fault.Reset());
        server("garbled").enqueue(new Fault.WrongJson());
        server("stuck").enqueue(new Fault.DelayHeaders(Duration.ofSeconds(1)));
        var response = router.chat(ask("m"), CALLER);
        assertThat(response.served().deployment()).isEqualTo("good");
        assertThat(response.served().attempts()).isEqualTo(4);
        assertThat(router.deployment("reset").recentChecks().getFirst().error()).isEqualTo("upstream-unavailable");
        assertThat(router.deployment("garbled").recentChecks().getFirst().error())
                .isEqualTo("upstream-invalid-response");
        assertThat(router.deployment("stuck").recentChecks().getFirst().error()).isEqualTo("timeout");
    }

    @Test
    void a_429_with_retry_after_is_honoured_capped_at_max_delay() {
        var router = router(alias("m", Strategy.PRIORITY, List.of(), deployment("a")));
        server("a").enqueue(new Fault.Status(429, null, "1"), new Fault.Status(429, null, "120"));
        var response = router.chat(ask("m"), CALLER);
        assertThat(response.served().attempts()).isEqualTo(3);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void a_400_is_returned_at_once_without_trying_another_server() {
        var router = router(alias("m", Strategy.PRIORITY, List.of(), deployment("a"), deployment("b")));
        server("a").enqueue(new Fault.Status(400, null, null));
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED));
        assertThat(server("a").requestCount()).isEqualTo(1);
        assertThat(server("b").requestCount()).isZero();
        assertThat(router.deployment("a").failures()).isZero();
    }

    @Test
    void an_exhausted_alias_falls_back_to_the_next_alias() {
        var router = router(
                alias("gpt", Strategy.PRIORITY, List.of("local"), deployment("gpt-1")),
                alias("local", Strategy.PRIORITY, List.of(), deployment("local-1")));
        server("gpt-1").always(new Fault.Status(502, null, null));
        var response = router.chat(ask("gpt"), CALLER);
        assertThat(response.served().alias()).isEqualTo("local");
        assertThat(response.served().attempts()).isEqualTo(4);
        assertThat(server("gpt-1").requestCount()).isEqualTo(3);
        assertThat(server("local-1").lastRequest().json().path("model").asText()).isEqualTo("local-1-model");
    }

    @Test
    void a_stream_reset_before_the_first_token_fails_over_and_one_cut_after_it_errors() {
        var router = router(alias("m", Strategy.PRIORITY, List.of(), deployment("a"), deployment("b")));
        server("a").enqueue(new Fault.Reset());
        var chunks = new ArrayList<ChatChunk>();
        var result = router.stream(ask("m"), CALLER, chunks::add);
        assertThat(result.served().deployment()).isEqualTo("b");
        assertThat(result.served().timeToFirstToken()).isNotNull();
        assertThat(result.usage().estimated()).isFalse();
        assertThat(String.join("", chunks.stream().filter(c -> c.content() != null).map(ChatChunk::content).toList()))
                .isEqualTo("You said: hello there");

        server("a").enqueue(new Fault.CloseMidBody());
        var partial = new ArrayList<ChatChunk>();
        assertThatThrownBy(() -> router.stream(ask("m"), CALLER, partial::add))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).startsWith("stream cut after the first token");
                });
        assertThat(partial).isNotEmpty();
        assertThat(server("b").requestCount()).isEqualTo(1);
    }

    @Test
    void deployment_limits_skip_a_full_server_and_429_when_all_are_full() {
        var router = router(alias("m", Strategy.PRIORITY, List.of(),
                deployment("a", d -> with(d, 1, new RateLimits(1, 0), d.breaker())),
                deployment("b", d -> with(d, 1, new RateLimits(1, 0), d.breaker()))));
        assertThat(router.chat(ask("m"), CALLER).served().deployment()).isEqualTo("a");
        assertThat(router.chat(ask("m"), CALLER).served().deployment()).isEqualTo("b");
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfter()).contains(Duration.ofMinutes(1));
                });
        assertThat(server("a").requestCount() + server("b").requestCount()).isEqualTo(2);
    }

    @Test
    void an_api_key_over_its_limit_gets_429_before_any_upstream_request() {
        var keys = List.of(new ClientKey("team", new SecretRef("env", "TEAM_KEY"), new RateLimits(1, 0), Budget.NONE));
        var router = router(keys, clock, alias("m", Strategy.PRIORITY, List.of(), deployment("a")));
        router.chat(ask("m"), CallContext.direct("team"));
        assertThatThrownBy(() -> router.chat(ask("m"), CallContext.direct("team")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfter()).isPresent();
                });
        assertThat(server("a").requestCount()).isEqualTo(1);
    }

    @Test
    void a_chain_from_an_openai_alias_falls_back_to_an_anthropic_alias_over_http() {
        try (var claudeServer = new FakeAnthropicServer(); var anthropic = new AnthropicProvider(Map.of())) {
            var claude = new Deployment("claude-1", AnthropicProvider.TYPE, claudeServer.baseUrl(), "claude-fake", null,
                    1, RateLimits.UNLIMITED, TIMEOUTS, new Pricing(3, 15), BreakerSettings.DEFAULT, Map.of(), true);
            var config = new GatewayConfig(Map.of(
                    "gpt-4o", alias("gpt-4o", Strategy.PRIORITY, List.of("claude"), deployment("gpt-1")),
                    "claude", alias("claude", Strategy.PRIORITY, List.of(), claude)), List.of(), RateLimits.UNLIMITED,
                    Budget.NONE, RETRY, CacheSettings.DEFAULT, HealthSettings.DEFAULT);
            try (var router = new Router(config, Map.of(OpenAiProvider.TYPE, provider, AnthropicProvider.TYPE,
                    anthropic), clock, new SplittableRandom(7), sleeper)) {
                server("gpt-1").always(new Fault.Status(503, null, null));
                var response = router.chat(ask("gpt-4o"), CALLER);
                assertThat(response.message().content()).isEqualTo("You said: hello there");
                assertThat(response.served().alias()).isEqualTo("claude");
                assertThat(response.served().provider()).isEqualTo(AnthropicProvider.TYPE);
                assertThat(response.served().upstreamModel()).isEqualTo("claude-fake");
                assertThat(response.served().attempts()).isEqualTo(RETRY.maxAttempts() + 1);
                assertThat(claudeServer.lastRequest().json().path("model").asText()).isEqualTo("claude-fake");

                var chunks = new ArrayList<ChatChunk>();
                var streamed = router.stream(ask("gpt-4o"), CALLER, chunks::add);
                assertThat(streamed.served().deployment()).isEqualTo("claude-1");
                assertThat(chunks).isNotEmpty();
            }
        }
    }

    @Test
    void embeddings_fail_over_between_servers_too() {
        var embed = new ModelAlias("embed", ModelKind.EMBEDDING, Strategy.PRIORITY,
                List.of(deployment("e1"), deployment("e2")), List.of());
        var router = router(embed);
        server("e1").enqueue(new Fault.Status(500, null, null));
        var response = router.embed(EmbeddingRequest.of("embed", List.of("one", "two words")), CALLER);
        assertThat(response.vectors()).hasSize(2);
        assertThat(response.served().deployment()).isEqualTo("e2");
        assertThat(response.usage().inputTokens()).isEqualTo(3);
        assertThat(server("e2").lastRequest().json().path("model").asText()).isEqualTo("e2-model");
    }

    @Test
    void probes_list_models_and_mark_an_unreachable_server_unhealthy() {
        var router = router(alias("m", Strategy.PRIORITY, List.of(), deployment("up"), deployment("down")));
        server("down").always(new Fault.Status(503, null, null));
        router.probeNow();
        assertThat(server("up").lastRequest().path()).isEqualTo("/v1/models");
        assertThat(router.deployment("up").health()).isEqualTo(HealthState.HEALTHY);
        assertThat(router.deployment("down").health()).isEqualTo(HealthState.UNHEALTHY);
    }
}
