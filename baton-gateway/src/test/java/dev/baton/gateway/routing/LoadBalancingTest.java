package dev.baton.gateway.routing;

import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.baton.gateway.routing.Fixtures.CALLER;
import static dev.baton.gateway.routing.Fixtures.ask;
import static dev.baton.gateway.routing.Fixtures.chat;
import static dev.baton.gateway.routing.Fixtures.config;
import static dev.baton.gateway.routing.Fixtures.deployment;
import static dev.baton.gateway.routing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadBalancingTest {
    private final ManualClock clock = new ManualClock();
    private final ScriptedProvider provider = new ScriptedProvider(clock);
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    private Router balanced(Strategy strategy, String... ids) {
        var deployments = Arrays.stream(ids).map(Fixtures::deployment).toArray(Deployment[]::new);
        return router(config(chat("m", strategy, deployments)), provider, clock, sleeper);
    }

    private void call(Router router, int times) {
        for (int i = 0; i < times; i++) {
            router.chat(ask("m"), CALLER);
        }
    }

    @Test
    void round_robin_takes_each_deployment_in_turn() {
        var router = balanced(Strategy.ROUND_ROBIN, "a", "b", "c");
        call(router, 7);
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void round_robin_skips_a_disabled_deployment() {
        var router = balanced(Strategy.ROUND_ROBIN, "a", "b", "c");
        router.setEnabled("b", false);
        call(router, 4);
        assertThat(provider.deploymentsCalled()).doesNotContain("b").containsOnly("a", "c");
    }

    @Test
    void weighted_picks_in_proportion_to_weights_with_a_seeded_random() {
        var router = router(config(chat("m", Strategy.WEIGHTED,
                deployment("light", s -> s.weight(1)), deployment("heavy", s -> s.weight(3)))), provider, clock,
                sleeper);
        call(router, 4000);
        Map<String, Long> counts = provider.deploymentsCalled().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(counts.get("heavy") / 4000.0).isCloseTo(0.75, within(0.03));
        assertThat(counts.get("light") / 4000.0).isCloseTo(0.25, within(0.03));
    }

    @Test
    void weighted_with_the_same_seed_repeats_the_same_sequence() {
        var first = new ScriptedProvider(clock);
        var second = new ScriptedProvider(clock);
        var cfg = config(chat("m", Strategy.WEIGHTED, deployment("a", s -> s.weight(2)),
                deployment("b", s -> s.weight(1)), deployment("c", s -> s.weight(1))));
        var r1 = router(cfg, first, clock, sleeper);
        var r2 = router(cfg, second, clock, sleeper);
        for (int i = 0; i < 50; i++) {
            r1.chat(ask("m"), CALLER);
            r2.chat(ask("m"), CALLER);
        }
        assertThat(first.deploymentsCalled()).isEqualTo(second.deploymentsCalled());
        assertThat(first.deploymentsCalled()).contains("a", "b", "c");
    }

    @Test
    void least_busy_sends_to_the_deployment_with_fewest_calls_in_flight() throws Exception {
        var router = balanced(Strategy.LEAST_BUSY, "a", "b");
        var release = new CountDownLatch(1);
        var entered = new CountDownLatch(1);
        provider.then("a", new ScriptedProvider.Block(() -> {
            entered.countDown();
            await(release);
        }));
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> blocked = threads.submit(() -> router.chat(ask("m"), CALLER));
            entered.await();
            assertThat(router.deployment("a").inFlight()).isEqualTo(1);
            router.chat(ask("m"), CALLER);
            router.chat(ask("m"), CALLER);
            release.countDown();
            blocked.get();
        }
        // a (blocked), then b twice while a is busy; ties would have gone to a
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b", "b");
        call(router, 1);
        assertThat(provider.deploymentsCalled().getLast()).isEqualTo("a");
    }

    @Test
    void latency_explores_untried_deployments_then_prefers_the_lowest_ewma() {
        var router = balanced(Strategy.LATENCY, "slow", "fast", "medium");
        provider.latency("slow", Duration.ofMillis(900))
                .latency("fast", Duration.ofMillis(100))
                .latency("medium", Duration.ofMillis(400));
        call(router, 6);
        assertThat(provider.deploymentsCalled()).containsExactly("slow", "fast", "medium", "fast", "fast", "fast");
        assertThat(router.deployment("fast").latencyEwmaMillis()).isCloseTo(100, within(0.001));
    }

    @Test
    void latency_moves_away_from_a_deployment_that_slowed_down() {
        var router = balanced(Strategy.LATENCY, "a", "b");
        provider.latency("a", Duration.ofMillis(100)).latency("b", Duration.ofMillis(300));
        call(router, 3);
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b", "a");
        provider.latency("a", Duration.ofMillis(1000));
        call(router, 3);
        // a's EWMA: 100 -> 100 -> 0.3*1000 + 0.7*100 = 370 > 300, so b takes over
        assertThat(provider.deploymentsCalled()).containsExactly("a", "b", "a", "a", "b", "b");
        assertThat(router.deployment("a").latencyEwmaMillis()).isCloseTo(370, within(0.001));
    }

    @Test
    void latency_explores_a_deployment_again_after_a_minute_without_calls() {
        var router = balanced(Strategy.LATENCY, "flaky", "steady");
        provider.failing("flaky", 1, ScriptedProvider.unavailable("blip"));
        provider.latency("steady", Duration.ofMillis(500));
        call(router, 3); // flaky fails over to steady; flaky has no sample, so steady keeps the traffic
        assertThat(provider.deploymentsCalled()).containsExactly("flaky", "steady", "steady", "steady");
        clock.advance(Balancer.LowestLatency.EXPLORE_AFTER);
        // both are stale now: each is explored once (configured order), then the faster flaky is preferred
        call(router, 3);
        assertThat(provider.deploymentsCalled()).endsWith("flaky", "steady", "flaky");
        assertThat(router.deployment("flaky").latencyEwmaMillis()).isZero();
    }

    @Test
    void priority_uses_the_first_deployment_and_the_next_only_when_it_is_unavailable() {
        var router = balanced(Strategy.PRIORITY, "primary", "secondary");
        call(router, 3);
        router.setEnabled("primary", false);
        call(router, 2);
        router.setEnabled("primary", true);
        call(router, 1);
        assertThat(provider.deploymentsCalled())
                .containsExactly("primary", "primary", "primary", "secondary", "secondary", "primary");
    }

    @Test
    void every_strategy_skips_a_deployment_whose_breaker_is_open() {
        for (Strategy strategy : Strategy.values()) {
            var local = new ScriptedProvider(clock);
            var router = router(config(chat("m", strategy, deployment("sick", s -> s.breaker(Fixtures.smallBreaker())),
                    deployment("well"))), local, clock, sleeper);
            local.failing("sick", 100, ScriptedProvider.unavailable("down"));
            for (int i = 0; i < 20; i++) {
                router.chat(ask("m"), CALLER);
            }
            if (strategy != Strategy.LATENCY) { // LATENCY ranks a deployment without successes last already
                assertThat(router.deployment("sick").breaker()).as(strategy.name())
                        .isEqualTo(BreakerState.OPEN);
            }
            assertThat(local.deploymentsCalled().subList(local.deploymentsCalled().size() - 10,
                    local.deploymentsCalled().size())).as(strategy.name()).containsOnly("well");
            long sickCalls = local.deploymentsCalled().stream().filter("sick"::equals).count();
            assertThat(sickCalls).as(strategy.name()).isLessThanOrEqualTo(4);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
