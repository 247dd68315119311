package dev.baton.observability.alerts;

import dev.baton.core.run.RunStatus;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.HealthState;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.ManualClock;
import dev.baton.observability.SystemSettings;
import dev.baton.observability.system.FakeHostProbe;
import dev.baton.observability.system.SystemMonitor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class AlertEvaluatorTest {
    private final ManualClock clock = new ManualClock();
    private final FakeHostProbe probe = new FakeHostProbe();
    private final SystemMonitor monitor = new SystemMonitor(probe, SystemSettings.DEFAULT, clock);
    private final RecentRuns runs = new RecentRuns(Duration.ofMinutes(10), clock);
    private final AtomicReference<List<DeploymentStatus>> deployments = new AtomicReference<>(List.of());
    private final List<Alert> changes = new ArrayList<>();

    private AlertEvaluator evaluator(AlertSettings settings) {
        AlertEvaluator evaluator = new AlertEvaluator(AlertRule.of(settings, true), runs, deployments::get,
                () -> monitor.latest().orElse(null), changes::add, clock, settings.keepResolved());
        monitor.subscribe(evaluator::onSample);
        return evaluator;
    }

    private void sampleEvery10sFor(Duration duration) {
        for (long s = 0; s < duration.toSeconds(); s += 10) {
            monitor.sample();
            clock.advance(Duration.ofSeconds(10));
        }
    }

    private static DeploymentStatus deployment(String id, HealthState health, boolean enabled) {
        return new DeploymentStatus(id, "chat", "openai", "gpt-4o-mini", enabled,
                health == HealthState.UNHEALTHY ? BreakerState.OPEN : BreakerState.CLOSED, health, 40, 0, 120, 10, 6,
                List.of());
    }

    @Test
    void cpu_above_the_threshold_fires_only_after_the_for_duration_and_resolves_when_it_drops() {
        AlertEvaluator evaluator = evaluator(AlertSettings.DEFAULT);
        probe.next(FakeHostProbe.reading(0.93, 0.5, 0.5));

        sampleEvery10sFor(Duration.ofMinutes(4).plusSeconds(50)); // 0s .. 4m40s: still pending
        assertThat(evaluator.firing()).isEmpty();

        monitor.sample(); // at 4m50s: not yet 5m
        assertThat(evaluator.firing()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        monitor.sample(); // at 5m: fires
        assertThat(evaluator.firing()).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("cpu");
            assertThat(alert.subject()).isEqualTo("host");
            assertThat(alert.state()).isEqualTo(AlertState.FIRING);
            assertThat(alert.firedAt()).isEqualTo(clock.instant());
            assertThat(alert.value()).isEqualTo(93.0);
            assertThat(alert.threshold()).isEqualTo(80.0);
            assertThat(alert.unit()).isEqualTo("percent");
            assertThat(alert.summary()).contains("93.0%", "80.0%", "5m");
            assertThat(alert.recommendation()).contains("engine.maxConcurrentAttempts", "add a node", "46.5%");
        });
        var firedAt = clock.instant();

        clock.advance(Duration.ofSeconds(10));
        probe.next(FakeHostProbe.reading(0.40, 0.5, 0.5));
        monitor.sample();

        assertThat(evaluator.firing()).isEmpty();
        assertThat(evaluator.resolved()).singleElement().satisfies(alert -> {
            assertThat(alert.state()).isEqualTo(AlertState.RESOLVED);
            assertThat(alert.firedAt()).isEqualTo(firedAt);
            assertThat(alert.resolvedAt()).isEqualTo(clock.instant());
        });
        assertThat(changes).extracting(Alert::state).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    }

    @Test
    void a_dip_below_the_threshold_restarts_the_for_duration() {
        AlertEvaluator evaluator = evaluator(AlertSettings.DEFAULT);
        probe.next(FakeHostProbe.reading(0.95, 0.5, 0.5));
        sampleEvery10sFor(Duration.ofMinutes(4));
        probe.next(FakeHostProbe.reading(0.10, 0.5, 0.5));
        monitor.sample();
        clock.advance(Duration.ofSeconds(10));
        probe.next(FakeHostProbe.reading(0.95, 0.5, 0.5));
        sampleEvery10sFor(Duration.ofMinutes(4));

        assertThat(evaluator.firing()).isEmpty();
        assertThat(changes).isEmpty();
    }

    @Test
    void a_firing_alert_follows_the_latest_value() {
        AlertEvaluator evaluator = evaluator(new AlertSettings(true, AlertSettings.DEFAULT.cpu(),
                new AlertSettings.UsageRule(true, 85, Duration.ZERO), AlertSettings.DEFAULT.disk(),
                AlertSettings.DEFAULT.runErrorRate(), AlertSettings.DEFAULT.deploymentUnhealthy(),
                AlertSettings.DEFAULT.queueWait(), 10, null));
        probe.next(FakeHostProbe.reading(0.1, 0.90, 0.5), FakeHostProbe.reading(0.1, 0.97, 0.5));

        monitor.sample();
        String id = evaluator.firing().getFirst().id();
        monitor.sample();

        assertThat(evaluator.firing()).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("memory");
            assertThat(alert.id()).isEqualTo(id);
            assertThat(alert.value()).isEqualTo(97.0);
        });
        assertThat(changes).hasSize(1);
    }

    @Test
    void keeps_only_the_configured_number_of_resolved_alerts_newest_first() {
        AlertEvaluator evaluator = evaluator(new AlertSettings(true, AlertSettings.DEFAULT.cpu(),
                AlertSettings.DEFAULT.memory(), new AlertSettings.UsageRule(true, 90, Duration.ZERO),
                AlertSettings.DEFAULT.runErrorRate(), AlertSettings.DEFAULT.deploymentUnhealthy(),
                AlertSettings.DEFAULT.queueWait(), 3, null));
        for (int i = 0; i < 5; i++) {
            probe.next(FakeHostProbe.reading(0.1, 0.5, 0.99));
            monitor.sample();
            clock.advance(Duration.ofSeconds(10));
            probe.next(FakeHostProbe.reading(0.1, 0.5, 0.10));
            monitor.sample();
            clock.advance(Duration.ofSeconds(10));
        }

        assertThat(evaluator.resolved()).hasSize(3);
        assertThat(evaluator.resolved()).extracting(Alert::resolvedAt).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(evaluator.resolved().getFirst().recommendation()).contains("dataDir");
        assertThat(changes).hasSize(10);
    }

    @Test
    void run_error_rate_fires_above_the_threshold_once_enough_runs_finished() {
        AlertEvaluator evaluator = evaluator(AlertSettings.DEFAULT); // 5%, at least 20 runs, for 0s
        for (int i = 0; i < 10; i++) {
            runs.runFinished(Runs.run(i < 3 ? RunStatus.FAILED : RunStatus.SUCCEEDED));
        }
        evaluator.evaluate();
        assertThat(evaluator.firing()).isEmpty(); // 30%, but only 10 runs

        for (int i = 0; i < 10; i++) {
            runs.runFinished(Runs.run(RunStatus.SUCCEEDED));
        }
        evaluator.evaluate();

        assertThat(evaluator.firing()).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("runErrorRate");
            assertThat(alert.value()).isEqualTo(15.0);
            assertThat(alert.summary()).contains("3 of 20 runs");
            assertThat(alert.recommendation()).contains("/api/v1/analytics/workflows");
        });
    }

    @Test
    void queue_wait_p95_above_the_limit_fires() {
        AlertEvaluator evaluator = evaluator(AlertSettings.DEFAULT); // p95 > 30s, at least 20 runs
        for (int i = 0; i < 20; i++) {
            runs.runStarted(Runs.run(RunStatus.RUNNING), Duration.ofSeconds(i < 18 ? 1 : 45));
        }

        evaluator.evaluate();

        assertThat(evaluator.firing()).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("queueWait");
            assertThat(alert.unit()).isEqualTo("seconds");
            assertThat(alert.value()).isEqualTo(45.0);
            assertThat(alert.threshold()).isEqualTo(30.0);
            assertThat(alert.recommendation()).contains("engine.maxRunningRuns");
        });
    }

    @Test
    void each_unhealthy_enabled_deployment_gets_its_own_alert_after_the_for_duration() {
        AlertEvaluator evaluator = evaluator(AlertSettings.DEFAULT); // for 1m
        deployments.set(List.of(deployment("east", HealthState.UNHEALTHY, true),
                deployment("west", HealthState.HEALTHY, true),
                deployment("off", HealthState.UNHEALTHY, false)));

        evaluator.evaluate();
        clock.advance(Duration.ofMinutes(1));
        evaluator.evaluate();

        assertThat(evaluator.firing()).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("deploymentUnhealthy");
            assertThat(alert.subject()).isEqualTo("east");
            assertThat(alert.summary()).contains("east", "UNHEALTHY", "OPEN");
            assertThat(alert.recommendation()).contains("/api/v1/gateway/deployments/east/disable");
        });

        deployments.set(List.of(deployment("east", HealthState.DEGRADED, true)));
        evaluator.evaluate();
        assertThat(evaluator.firing()).isEmpty();
        assertThat(evaluator.resolved()).extracting(Alert::subject).containsExactly("east");
    }

    @Test
    void a_switched_off_rule_never_fires_and_disabled_alerts_have_no_rules() {
        AlertSettings noCpu = new AlertSettings(true, new AlertSettings.UsageRule(false, 80, Duration.ZERO),
                AlertSettings.DEFAULT.memory(), AlertSettings.DEFAULT.disk(), AlertSettings.DEFAULT.runErrorRate(),
                AlertSettings.DEFAULT.deploymentUnhealthy(), AlertSettings.DEFAULT.queueWait(), 10, null);
        AlertEvaluator evaluator = evaluator(noCpu);
        probe.next(FakeHostProbe.reading(1.0, 0.5, 0.5));
        monitor.sample();

        assertThat(evaluator.rules()).extracting(AlertRule::name)
                .containsExactly("memory", "disk", "runErrorRate", "queueWait", "deploymentUnhealthy");
        assertThat(evaluator.firing()).isEmpty();
        AlertSettings off = new AlertSettings(false, noCpu.cpu(), noCpu.memory(), noCpu.disk(), noCpu.runErrorRate(),
                noCpu.deploymentUnhealthy(), noCpu.queueWait(), 10, null);
        assertThat(AlertRule.of(off, true)).isEmpty();
        assertThat(AlertRule.of(AlertSettings.DEFAULT, false)).extracting(AlertRule::name)
                .doesNotContain("cpu", "memory", "disk");
    }

    @Test
    void a_gateway_that_cannot_answer_counts_as_no_deployments_and_a_throwing_listener_is_contained() {
        AlertEvaluator evaluator = new AlertEvaluator(AlertRule.of(AlertSettings.DEFAULT, true), runs,
                () -> {
                    throw new IllegalStateException("gateway closed");
                }, () -> null, alert -> {
                    throw new IllegalStateException("listener broke");
                }, clock, 10);
        for (int i = 0; i < 20; i++) {
            runs.runFinished(Runs.run(RunStatus.FAILED));
        }

        evaluator.evaluate();

        assertThat(evaluator.firing()).extracting(Alert::rule).containsExactly("runErrorRate");
    }

    @Test
    void every_rule_states_its_condition() {
        assertThat(AlertRule.of(AlertSettings.DEFAULT, true)).extracting(AlertRule::condition).containsExactly(
                "host CPU busy > 80.0% for 5m",
                "host memory used > 85.0% for 5m",
                "data directory disk used > 90.0% for 1m",
                "failed or timed-out runs > 5.0% of the runs finished in 10m (at least 20 runs)",
                "p95 run queue wait over 10m > 30s (at least 20 runs)",
                "a gateway deployment UNHEALTHY for 1m");
    }
}
