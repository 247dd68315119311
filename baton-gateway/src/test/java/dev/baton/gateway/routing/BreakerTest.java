package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.router;
import static dev.baton.gateway.routing.Fixtures.smallBreaker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BreakerTest {
    private static final RetrySettings ONCE = new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(1), 2);

    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    private Router single(BreakerSettings breaker) {
        return router(config(ONCE, chat("m", Strategy.PRIORITY, deployment("d", s -> s.breaker(breaker)))), provider,
                clock, sleeper);
    }

    private void failOnce(Router router) {
        assertThatThrownBy(() -> router.chat(ask("m"), CALLER)).isInstanceOf(BatonException.class);
    }

    @Test
    void goes_closed_open_half_open_closed() {
        var router = single(smallBreaker());
        provider.failing("d", 2, ScriptedProvider.unavailable("502 bad gateway"));
        failOnce(router);
        failOnce(router);
        router.chat(ask("m"), CALLER);
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.CLOSED);
        router.chat(ask("m"), CALLER); // 4 calls, 2 failed = 50 % -> open
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.OPEN);

        assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("d: circuit breaker open");
                });
        assertThat(provider.calls()).hasSize(4);

        clock.advance(Duration.ofSeconds(10).plusMillis(1));
        router.chat(ask("m"), CALLER); // the wait is over: first permitted call moves it to half-open
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.HALF_OPEN);
        router.chat(ask("m"), CALLER); // second half-open call succeeds -> closed
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(provider.calls()).hasSize(6);
    }

    @Test
    void a_failing_half_open_call_reopens_the_breaker() {
        var router = single(smallBreaker());
        provider.failing("d", 4, ScriptedProvider.unavailable("down"));
        for (int i = 0; i < 4; i++) {
            failOnce(router);
        }
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.OPEN);
        clock.advance(Duration.ofSeconds(9));
        failOnce(router);
        assertThat(provider.calls()).hasSize(4);
        clock.advance(Duration.ofMillis(1001));
        provider.failing("d", 2, ScriptedProvider.unavailable("still down"));
        failOnce(router);
        failOnce(router);
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.OPEN);
        assertThat(provider.calls()).hasSize(6);
    }

    @Test
    void upstream_rejections_do_not_count_as_failures_of_the_deployment() {
        var router = single(smallBreaker());
        provider.failing("d", 10, ScriptedProvider.rejected("400 bad request: messages[0] is invalid"));
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> router.chat(ask("m"), CALLER))
                    .isInstanceOfSatisfying(BatonException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED));
        }
        var status = router.deployment("d");
        assertThat(status.breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(status.failures()).isZero();
        assertThat(status.requests()).isEqualTo(10);
    }

    @Test
    void slow_calls_open_the_breaker() {
        var slow = new BreakerSettings(true, 100, 50, Duration.ofSeconds(2), 4, 4, Duration.ofSeconds(10), 1);
        var router = single(slow);
        provider.latency("d", Duration.ofSeconds(3));
        for (int i = 0; i < 4; i++) {
            router.chat(ask("m"), CALLER);
        }
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void minimum_calls_above_the_window_size_are_capped_at_the_window() {
        var odd = new BreakerSettings(true, 50, 100, Duration.ofSeconds(30), 2, 5, Duration.ofSeconds(10), 1);
        var router = single(odd);
        provider.failing("d", 2, ScriptedProvider.unavailable("down"));
        failOnce(router);
        failOnce(router);
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void a_disabled_breaker_never_opens() {
        var off = new BreakerSettings(false, 50, 100, Duration.ofSeconds(30), 4, 4, Duration.ofSeconds(10), 2);
        var router = single(off);
        provider.failing("d", 10, ScriptedProvider.unavailable("down"));
        for (int i = 0; i < 10; i++) {
            failOnce(router);
        }
        assertThat(router.deployment("d").breaker()).isEqualTo(BreakerState.DISABLED);
        assertThat(provider.calls()).hasSize(10);
    }
}
