package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryAndFailoverTest {
    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    @Test
    void a_retriable_error_fails_over_to_the_next_deployment() {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))), provider, clock,
                sleeper);
        provider.failing("a", 1, ScriptedProvider.unavailable("503"));
        var response = router.chat(ask("m"), CALLER);
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b");
        assertThat(response.served().deployment()).isEqualTo("b");
        assertThat(response.served().attempts()).isEqualTo(2);
        assertThat(sleeper.waits()).hasSize(1);
    }

    @Test
    void retries_go_to_a_deployment_that_has_not_failed_yet_then_to_the_oldest_failure() {
        var retry = new RetrySettings(4, Duration.ofMillis(100), Duration.ofSeconds(2), 2);
        var router = router(config(retry, chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))), provider,
                clock, sleeper);
        provider.failing("a", 2, ScriptedProvider.unavailable("503"));
        provider.failing("b", 1, new BatonException(ErrorCode.TIMEOUT, "read timeout"));
        var response = router.chat(ask("m"), CALLER);
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b", "a", "b");
        assertThat(response.served().attempts()).isEqualTo(4);
    }

    @Test
    void a_single_deployment_is_retried_until_max_attempts_with_exponential_backoff_and_full_jitter() {
        var retry = new RetrySettings(5, Duration.ofMillis(100), Duration.ofMillis(300), 2);
        var router = router(config(retry, chat("m", Strategy.PRIORITY, deployment("a"))), provider, clock, sleeper);
        provider.failing("a", 5, ScriptedProvider.unavailable("503 overloaded"));
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("5 attempts failed", "models tried: m", "deployments: a",
                            "503 overloaded");
                });
        assertThat(provider.calls()).hasSize(5);
        List<Duration> waits = sleeper.waits();
        assertThat(waits).hasSize(4);
        // ceilings 100, 200, 300 (capped), 300 ms; full jitter draws in [0, ceiling)
        long[] ceilings = {100, 200, 300, 300};
        for (int i = 0; i < waits.size(); i++) {
            assertThat(waits.get(i)).isBetween(Duration.ZERO, Duration.ofMillis(ceilings[i]));
        }
        assertThat(waits).doesNotHaveDuplicates();
    }

    @Test
    void an_upstream_rejection_is_returned_at_once_without_retry() {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))), provider, clock,
                sleeper);
        provider.failing("a", 1, ScriptedProvider.rejected("400: max_tokens is too large"));
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
                    assertThat(e.getMessage()).isEqualTo("400: max_tokens is too large");
                });
        assertThat(provider.deploymentsCalled()).containsExactly("a");
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void retry_after_is_honoured_and_capped_at_max_delay() {
        var retry = new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(2), 2);
        var router = router(config(retry, chat("m", Strategy.PRIORITY, deployment("a"))), provider, clock, sleeper);
        provider.then("a",
                new ScriptedProvider.Fail(BatonException.rateLimited("429 slow down", Duration.ofMillis(1500))),
                new ScriptedProvider.Fail(BatonException.rateLimited("429 slow down", Duration.ofSeconds(30))));
        router.chat(ask("m"), CALLER);
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(1500), Duration.ofSeconds(2));
    }

    @Test
    void invalid_responses_and_timeouts_fail_over_too() {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"), deployment("c"))),
                provider, clock, sleeper);
        provider.failing("a", 1, new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, "not JSON"));
        provider.failing("b", 1, new BatonException(ErrorCode.TIMEOUT, "first token timeout"));
        assertThat(router.chat(ask("m"), CALLER).served().deployment()).isEqualTo("c");
    }

    @Test
    void fallback_aliases_are_tried_in_order_each_with_its_own_attempts() {
        var retry = new RetrySettings(2, Duration.ofMillis(100), Duration.ofSeconds(2), 2);
        var router = router(config(retry,
                chat("gpt", Strategy.PRIORITY, List.of("claude", "local"), deployment("gpt-1")),
                chat("claude", Strategy.PRIORITY, List.of("local"), deployment("claude-1")),
                chat("local", Strategy.PRIORITY, deployment("local-1"))), provider, clock, sleeper);
        provider.failing("gpt-1", 2, ScriptedProvider.unavailable("gpt down"));
        provider.failing("claude-1", 2, ScriptedProvider.unavailable("claude down"));
        var response = router.chat(ask("gpt"), CALLER);
        assertThat(provider.deploymentsCalled()).containsExactly("gpt-1", "gpt-1", "claude-1", "claude-1", "local-1");
        assertThat(provider.calls().getLast().model()).isEqualTo("local-1-model");
        assertThat(response.served().alias()).isEqualTo("local");
        assertThat(response.served().attempts()).isEqualTo(5);
        // backoff within an alias only: one wait in gpt, one in claude
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void fallback_cycles_end_and_the_last_upstream_error_names_attempts_and_models() {
        var retry = new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(2), 2);
        var router = router(config(retry,
                chat("x", Strategy.PRIORITY, List.of("y"), deployment("x-1")),
                chat("y", Strategy.PRIORITY, List.of("x"), deployment("y-1"))), provider, clock, sleeper);
        provider.failing("x-1", 1, ScriptedProvider.unavailable("x broke"));
        provider.failing("y-1", 1, new BatonException(ErrorCode.TIMEOUT, "y timed out"));
        assertThatThrownBy(() -> router.chat(ask("x"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                    assertThat(e.getMessage()).contains("2 attempts failed", "models tried: x, y",
                            "deployments: x-1, y-1", "y timed out");
                    assertThat(e.getCause()).hasMessage("y timed out");
                });
        assertThat(provider.deploymentsCalled()).containsExactly("x-1", "y-1");
    }

    @Test
    void an_alias_with_every_deployment_disabled_hands_over_to_its_fallback() {
        var router = router(config(
                chat("main", Strategy.PRIORITY, List.of("spare"), deployment("main-1")),
                chat("spare", Strategy.PRIORITY, deployment("spare-1"))), provider, clock, sleeper);
        router.setEnabled("main-1", false);
        assertThat(router.chat(ask("main"), CALLER).served().alias()).isEqualTo("spare");
        router.setEnabled("spare-1", false);
        assertThatThrownBy(() -> router.chat(ask("main"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("'main' has no enabled deployment",
                            "'spare' has no enabled deployment");
                });
    }

    @Test
    void an_interrupt_during_backoff_ends_the_call_as_cancelled() throws Exception {
        Sleeper interrupted = d -> {
            throw new InterruptedException();
        };
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))), provider, clock,
                interrupted);
        provider.failing("a", 1, ScriptedProvider.unavailable("503"));
        var error = new AtomicReference<Throwable>();
        var interruptedAfter = new AtomicReference<Boolean>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                router.chat(ask("m"), CALLER);
            } catch (RuntimeException e) {
                error.set(e);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        thread.join();
        assertThat(error.get()).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
        assertThat(interruptedAfter.get()).isTrue();
        assertThat(provider.deploymentsCalled()).containsExactly("a");
    }

    @Test
    void an_already_interrupted_caller_makes_no_upstream_call() throws Exception {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a"))), provider, clock, sleeper);
        var error = new AtomicReference<Throwable>();
        Thread thread = Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().interrupt();
            try {
                router.chat(ask("m"), CALLER);
            } catch (RuntimeException e) {
                error.set(e);
            }
        });
        thread.start();
        thread.join();
        assertThat(error.get()).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
        assertThat(provider.calls()).isEmpty();
    }

    @Test
    void a_provider_cancellation_is_not_retried_and_not_held_against_the_deployment() {
        var router = router(config(chat("m", Strategy.PRIORITY, deployment("a"), deployment("b"))), provider, clock,
                sleeper);
        provider.failing("a", 1, new BatonException(ErrorCode.CANCELLED, "cancelled"));
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
        assertThat(provider.deploymentsCalled()).containsExactly("a");
        assertThat(router.deployment("a").failures()).isZero();
        assertThat(router.deployment("a").inFlight()).isZero();
    }
}
