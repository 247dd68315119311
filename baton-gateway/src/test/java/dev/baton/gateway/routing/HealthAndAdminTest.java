package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.HealthCheck;
import dev.baton.gateway.admin.HealthState;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.embedding;
import static dev.baton.gateway.routing.Fixtures.router;
import static dev.baton.gateway.routing.Fixtures.smallBreaker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthAndAdminTest {
    private static final RetrySettings ONCE = new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(1), 2);

    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final Router router = router(config(ONCE,
            chat("m", Strategy.PRIORITY, deployment("a", s -> s.breaker(smallBreaker())), deployment("b")),
            embedding("e", deployment("e-1"))), provider, clock, sleeper);

    private void fail(String id, int times) {
        provider.failing(id, times, ScriptedProvider.unavailable("503"));
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> router.chat(ask("m"), CALLER)).isInstanceOf(BatonException.class);
        }
    }

    @Test
    void a_deployment_without_traffic_or_probes_is_unknown_with_full_uptime() {
        var status = router.deployment("a");
        assertThat(status.health()).isEqualTo(HealthState.UNKNOWN);
        assertThat(status.uptimePercent()).isEqualTo(100);
        assertThat(status.recentChecks()).isEmpty();
        assertThat(status.breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(status.alias()).isEqualTo("m");
        assertThat(status.provider()).isEqualTo(ScriptedProvider.TYPE);
        assertThat(status.upstreamModel()).isEqualTo("a-model");
    }

    @Test
    void successful_traffic_makes_it_healthy_and_a_recent_failure_degraded() {
        router.chat(ask("m"), CALLER);
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.HEALTHY);
        fail("a", 1);
        var status = router.deployment("a");
        assertThat(status.health()).isEqualTo(HealthState.DEGRADED);
        assertThat(status.uptimePercent()).isEqualTo(50);
        assertThat(status.requests()).isEqualTo(2);
        assertThat(status.failures()).isEqualTo(1);
        assertThat(status.recentChecks()).extracting(HealthCheck::ok).containsExactly(false, true);
        assertThat(status.recentChecks().getFirst().error()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE.code());
        assertThat(status.recentChecks().getFirst().source()).isEqualTo("traffic");
    }

    @Test
    void three_failures_in_a_row_or_an_open_breaker_make_it_unhealthy() {
        router.chat(ask("m"), CALLER);
        fail("a", 3);
        var status = router.deployment("a");
        assertThat(status.health()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(status.breaker()).isEqualTo(BreakerState.OPEN); // 3 of 4 failed
    }

    @Test
    void recovery_after_the_breaker_closes_goes_through_degraded_to_healthy() {
        fail("a", 4);
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.UNHEALTHY);
        clock.advance(Duration.ofSeconds(11));
        router.chat(ask("m"), CALLER);
        router.chat(ask("m"), CALLER);
        assertThat(router.deployment("a").breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.DEGRADED);
        for (int i = 0; i < 10; i++) {
            router.chat(ask("m"), CALLER);
        }
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void slow_calls_degrade_health() {
        provider.latency("a", Duration.ofSeconds(31)); // slower than the breaker's 30 s slow-call duration
        router.chat(ask("m"), CALLER);
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.DEGRADED);
        assertThat(router.deployment("a").latencyEwmaMillis()).isEqualTo(31_000);
    }

    @Test
    void the_ring_keeps_the_last_hundred_checks_newest_first() {
        for (int i = 0; i < 120; i++) {
            clock.advance(Duration.ofSeconds(1));
            router.chat(ask("m"), CALLER);
        }
        var checks = router.deployment("a").recentChecks();
        assertThat(checks).hasSize(100);
        assertThat(checks.getFirst().at()).isAfter(checks.getLast().at());
        assertThat(router.deployment("a").requests()).isEqualTo(120);
    }

    @Test
    void probes_check_enabled_deployments_and_a_failed_probe_makes_it_unhealthy() {
        router.setEnabled("b", false);
        router.probeNow();
        assertThat(provider.probed()).containsExactlyInAnyOrder("a", "e-1");
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.HEALTHY);
        assertThat(router.deployment("a").recentChecks().getFirst().source()).isEqualTo("probe");
        assertThat(router.deployment("b").health()).isEqualTo(HealthState.UNKNOWN);

        provider.probeFails("a", ScriptedProvider.unavailable("connection refused"));
        router.probeNow();
        var status = router.deployment("a");
        assertThat(status.health()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(status.recentChecks().getFirst().error()).isEqualTo("upstream-unavailable");
        assertThat(status.uptimePercent()).isEqualTo(50);
        assertThat(status.breaker()).isEqualTo(BreakerState.CLOSED); // probes inform health, traffic drives breakers

        provider.probeHeals("a");
        router.probeNow();
        assertThat(router.deployment("a").health()).isEqualTo(HealthState.DEGRADED);
    }

    @Test
    void probes_run_on_their_schedule_on_virtual_threads_until_the_router_is_closed() throws Exception {
        var probing = new GatewayConfig(Map.of("m", chat("m", Strategy.PRIORITY, deployment("p"))), List.of(),
                RateLimits.UNLIMITED, Budget.NONE, ONCE, CacheSettings.DEFAULT,
                new HealthSettings(Duration.ofMillis(5), Duration.ofSeconds(1)));
        try (var scheduled = router(probing, provider, clock, sleeper)) {
            assertThat(provider.awaitProbes(2, Duration.ofSeconds(10))).isTrue();
            assertThat(scheduled.deployment("p").recentChecks()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.source()).isEqualTo("probe"));
        }
        assertThat(provider.probed()).containsOnly("p");
    }

    @Test
    void a_probe_that_hangs_past_the_probe_timeout_is_recorded_as_a_timeout() {
        var release = new CountDownLatch(1);
        provider.probeWaits(release);
        var cfg = new GatewayConfig(Map.of("m", chat("m", Strategy.PRIORITY, deployment("h"))), List.of(),
                RateLimits.UNLIMITED, Budget.NONE, ONCE, CacheSettings.DEFAULT,
                new HealthSettings(Duration.ZERO, Duration.ofMillis(50)));
        try (var r = router(cfg, provider, clock, sleeper)) {
            r.probeNow();
            var status = r.deployment("h");
            assertThat(status.recentChecks()).hasSize(1);
            assertThat(status.recentChecks().getFirst().error()).isEqualTo("timeout");
            assertThat(status.recentChecks().getFirst().latency()).isEqualTo(Duration.ofMillis(50));
            assertThat(status.health()).isEqualTo(HealthState.UNHEALTHY);
        } finally {
            release.countDown();
        }
    }

    @Test
    void admin_lists_deployments_in_alias_then_configured_order() {
        assertThat(router.deployments()).extracting(s -> s.id()).containsExactly("e-1", "a", "b");
    }

    @Test
    void admin_disables_and_enables_a_deployment() {
        var disabled = router.setEnabled("a", false);
        assertThat(disabled.enabled()).isFalse();
        router.chat(ask("m"), CALLER);
        assertThat(provider.deploymentsCalled()).containsExactly("b");
        assertThat(router.setEnabled("a", true).enabled()).isTrue();
        router.chat(ask("m"), CALLER);
        assertThat(provider.deploymentsCalled()).containsExactly("b", "a");
    }

    @Test
    void admin_names_an_unknown_deployment() {
        assertThatThrownBy(() -> router.deployment("nope"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("'nope'");
                });
        assertThatThrownBy(() -> router.setEnabled("nope", true))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
