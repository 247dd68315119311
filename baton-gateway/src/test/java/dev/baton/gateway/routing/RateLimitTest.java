package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.admin.RateLimitRefusals;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {
    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    @Test
    void a_deployment_over_its_rpm_is_skipped_for_the_next_one() {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("small", s -> s.limits(2, 0)),
                deployment("big"))), provider, clock, sleeper);
        for (int i = 0; i < 4; i++) {
            router.chat(ask("m"), CALLER);
        }
        assertThat(provider.deploymentsCalled()).containsExactly("small", "small", "big", "big");
        clock.advance(Duration.ofSeconds(30)); // greedy refill: 1 request back after 30 s
        router.chat(ask("m"), CALLER);
        assertThat(provider.deploymentsCalled().getLast()).isEqualTo("small");
    }

    @Test
    void when_every_deployment_is_limited_the_call_is_rate_limited_with_the_shortest_refill_wait() {
        var router = router(config(chat("m", Strategy.ROUND_ROBIN, deployment("a", s -> s.limits(1, 0)),
                deployment("b", s -> s.limits(2, 0)))), provider, clock, sleeper);
        router.chat(ask("m"), CALLER);
        router.chat(ask("m"), CALLER);
        router.chat(ask("m"), CALLER);
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    // a refills 1 per 60 s, b 2 per 60 s (one every 30 s)
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                    assertThat(e.getMessage()).contains("a: RPM limit", "b: RPM limit");
                });
        assertThat(provider.calls()).hasSize(3);
        assertThat(sleeper.waits()).isEmpty();
        assertThat(router.rateLimitRefusals()).isEqualTo(new RateLimitRefusals(0, 1));
    }

    @Test
    void a_deployment_over_its_tpm_is_skipped_and_real_usage_is_charged_afterwards() {
        // estimate of ask(): ceil(5 / 4) = 2 input + 256 default output = 258 tokens
        provider.usage(new Usage(400, 400, false));
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a", s -> s.limits(0, 1000)),
                deployment("b"))), provider, clock, sleeper);
        router.chat(ask("m"), CALLER); // takes 258, then charged 800 in all: 200 left
        router.chat(ask("m"), CALLER); // 258 > 200: skipped
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b");
    }

    @Test
    void unused_estimated_tokens_are_refunded() {
        provider.usage(new Usage(1, 1, false));
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a", s -> s.limits(0, 600)),
                deployment("b"))), provider, clock, sleeper);
        for (int i = 0; i < 5; i++) {
            router.chat(ask("m"), CALLER); // 258 reserved, 2 used: 256 back each time
        }
        assertThat(provider.deploymentsCalled()).containsOnly("a");
    }

    @Test
    void concurrent_calls_never_overshoot_a_deployment_limit() throws Exception {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a", s -> s.limits(50, 0)))), provider,
                clock, sleeper);
        var limited = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                threads.submit(() -> {
                    try {
                        router.chat(ask("m"), CALLER);
                    } catch (BatonException e) {
                        if (e.code() == ErrorCode.RATE_LIMITED) {
                            limited.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertThat(provider.calls()).hasSize(50);
        assertThat(limited.get()).isEqualTo(150);
        var status = router.deployment("a");
        assertThat(status.requests()).isEqualTo(50);
        assertThat(status.inFlight()).isZero();
    }

    @Test
    void the_token_estimate_counts_a_quarter_token_per_character_plus_max_tokens() {
        var request = new ChatRequest("m", List.of(ChatMessage.system("x".repeat(40)), ChatMessage.user("y".repeat(41))),
                null, null, null, null, null, 100, null, null, null);
        assertThat(ExpectedTokens.of(request).tokens()).isEqualTo(21 + 100);
        assertThat(ExpectedTokens.of(ask("m")).tokens()).isEqualTo(2 + ExpectedTokens.DEFAULT_OUTPUT_TOKENS);
    }

    @Test
    void an_api_key_over_its_rpm_gets_rate_limited_with_retry_after_and_other_keys_do_not() {
        var keys = List.of(new ClientKey("team-a", new SecretRef("env", "A"), new RateLimits(2, 0), Budget.NONE),
                new ClientKey("team-b", new SecretRef("env", "B"), new RateLimits(100, 0), Budget.NONE));
        var router = router(config(keys, RateLimits.UNLIMITED, chat("m", Strategy.PRIORITY, deployment("a"))),
                provider, clock, sleeper);
        var teamA = CallContext.direct("team-a");
        router.chat(ask("m"), teamA);
        router.chat(ask("m"), teamA);
        assertThatThrownBy(() -> router.chat(ask("m"), teamA))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                    assertThat(e.getMessage()).contains("API key 'team-a'", "2 requests per minute");
                });
        router.chat(ask("m"), CallContext.direct("team-b"));
        assertThat(provider.calls()).hasSize(3);
        assertThat(router.rateLimitRefusals()).isEqualTo(new RateLimitRefusals(1, 0));
    }

    @Test
    void a_key_over_its_tpm_is_limited_until_tokens_refill() {
        var keys = List.of(new ClientKey("k", new SecretRef("env", "K"), new RateLimits(0, 300), Budget.NONE));
        var router = router(config(keys, RateLimits.UNLIMITED, chat("m", Strategy.PRIORITY, deployment("a"))),
                provider, clock, sleeper);
        provider.usage(new Usage(100, 200, false));
        var k = CallContext.direct("k");
        router.chat(ask("m"), k); // 258 reserved, settled to 300: bucket empty
        assertThatThrownBy(() -> router.chat(ask("m"), k))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.getMessage()).contains("300 tokens per minute");
                    assertThat(e.retryAfter()).isPresent();
                });
        clock.advance(Duration.ofMinutes(1));
        router.chat(ask("m"), k);
        assertThat(provider.calls()).hasSize(2);
    }

    @Test
    void anonymous_and_unknown_principals_share_the_anonymous_limits() {
        var router = router(config(List.of(), new RateLimits(2, 0), chat("m", Strategy.PRIORITY, deployment("a"))),
                provider, clock, sleeper);
        router.chat(ask("m"), CALLER);
        router.chat(ask("m"), CallContext.step("engine", "run-1", "wf", "step"));
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.getMessage()).contains("without an API key");
                });
    }

    @Test
    void a_failed_call_gives_the_callers_tokens_back() {
        var keys = List.of(new ClientKey("k", new SecretRef("env", "K"), new RateLimits(0, 300), Budget.NONE));
        var router = router(config(keys, RateLimits.UNLIMITED, chat("m", Strategy.PRIORITY, deployment("a"))),
                provider, clock, sleeper);
        provider.failing("a", 1, ScriptedProvider.rejected("400"));
        var k = CallContext.direct("k");
        assertThatThrownBy(() -> router.chat(ask("m"), k)).isInstanceOf(BatonException.class);
        router.chat(ask("m"), k); // would not fit if the failed call's 258 tokens were kept
        assertThat(provider.calls()).hasSize(2);
    }
}
