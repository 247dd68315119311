package dev.baton.observability.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EngineMetricsTest {
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), new MockClock());
    private final EngineMetrics metrics = new EngineMetrics(registry, 3);

    /** A run of {@code workflow} accepted at T0, started after {@code queuedMs}, in {@code status}. */
    private static Run run(String workflow, RunStatus status, String parent, long queuedMs, Long finishedMs) {
        return new Run(UUID.randomUUID().toString(), "default", workflow, 1, status, 0,
                JsonNodeFactory.instance.objectNode(), null, null, null, parent, parent == null ? null : "fan",
                T0, queuedMs < 0 ? null : T0.plusMillis(queuedMs), finishedMs == null ? null : T0.plusMillis(finishedMs));
    }

    private Scraped scrape() {
        return Scraped.parse(registry.scrape());
    }

    @Test
    void counts_runs_started_and_finished_by_workflow_and_status_with_their_durations() {
        Run greet = run("greet", RunStatus.RUNNING, null, 250, null);
        metrics.runQueued(greet);
        metrics.runStarted(greet, Duration.ofMillis(250));
        metrics.runFinished(run("greet", RunStatus.SUCCEEDED, null, 250, 1_750L));
        metrics.runStarted(run("greet", RunStatus.RUNNING, null, 0, null), Duration.ZERO);
        metrics.runFinished(run("greet", RunStatus.FAILED, null, 0, 40_000L));

        Scraped s = scrape();
        assertThat(s.value("baton_runs_started_total", "workflow", "greet")).isEqualTo(2.0);
        assertThat(s.value("baton_runs_finished_total", "workflow", "greet", "status", "succeeded")).isEqualTo(1.0);
        assertThat(s.value("baton_runs_finished_total", "workflow", "greet", "status", "failed")).isEqualTo(1.0);
        assertThat(s.value("baton_run_duration_seconds_sum", "workflow", "greet", "status", "succeeded"))
                .isEqualTo(1.5);
        assertThat(s.value("baton_run_duration_seconds_bucket", "workflow", "greet", "status", "succeeded", "le",
                "1.0")).isEqualTo(0.0);
        assertThat(s.value("baton_run_duration_seconds_bucket", "workflow", "greet", "status", "succeeded", "le",
                "2.5")).isEqualTo(1.0);
        assertThat(s.value("baton_run_duration_seconds_bucket", "workflow", "greet", "status", "failed", "le",
                "60.0")).isEqualTo(1.0);
        assertThat(s.value("baton_run_queue_wait_seconds_count")).isEqualTo(2.0);
        assertThat(s.value("baton_run_queue_wait_seconds_sum")).isEqualTo(0.25);
    }

    @Test
    void a_run_cancelled_while_queued_is_timed_from_acceptance() {
        metrics.runFinished(run("greet", RunStatus.CANCELLED, null, -1, 3_000L));

        Scraped s = scrape();
        assertThat(s.value("baton_runs_finished_total", "workflow", "greet", "status", "cancelled")).isEqualTo(1.0);
        assertThat(s.value("baton_run_duration_seconds_sum", "workflow", "greet", "status", "cancelled"))
                .isEqualTo(3.0);
        assertThat(s.value("baton_runs_started_total", "workflow", "greet")).isEqualTo(0.0);
    }

    @Test
    void child_runs_are_counted_but_not_in_the_queue_wait() {
        metrics.runStarted(run("child", RunStatus.RUNNING, "parent-run", 0, null), Duration.ZERO);

        Scraped s = scrape();
        assertThat(s.value("baton_runs_started_total", "workflow", "child")).isEqualTo(1.0);
        assertThat(s.value("baton_run_queue_wait_seconds_count")).isEqualTo(0.0);
    }

    @Test
    void workflows_past_the_label_cap_are_counted_as_other() {
        for (String workflow : new String[]{"a", "b", "c", "d", "e", "a"}) {
            metrics.runStarted(run(workflow, RunStatus.RUNNING, null, 0, null), Duration.ZERO);
        }

        Scraped s = scrape();
        assertThat(s.value("baton_runs_started_total", "workflow", "a")).isEqualTo(2.0);
        assertThat(s.value("baton_runs_started_total", "workflow", "c")).isEqualTo(1.0);
        assertThat(s.value("baton_runs_started_total", "workflow", "d")).isNull();
        assertThat(s.value("baton_runs_started_total", "workflow", "other")).isEqualTo(2.0);
    }

    @Test
    void counts_attempts_by_step_type_and_outcome_with_retries_and_timeouts() {
        Run running = run("greet", RunStatus.RUNNING, null, 0, null);
        Instant start = T0.plusSeconds(1);
        AttemptObservation first = metrics.attemptStarted(new AttemptInfo(running, "call", "http", 1, start));
        first.finished(AttemptStatus.TIMED_OUT, new StepError("timeout", "took too long", true),
                start.plusSeconds(30));
        AttemptObservation second = metrics.attemptStarted(new AttemptInfo(running, "call", "http", 2,
                start.plusSeconds(31)));
        second.finished(AttemptStatus.SUCCEEDED, null, start.plusMillis(31_020));
        metrics.attemptStarted(new AttemptInfo(running, "shape", "transform", 1, start))
                .finished(AttemptStatus.SKIPPED, null, start);

        Scraped s = scrape();
        assertThat(s.value("baton_step_attempts_total", "step_type", "http", "outcome", "timed_out")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "http", "outcome", "succeeded")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "transform", "outcome", "skipped"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_retries_total", "step_type", "http")).isEqualTo(1.0);
        assertThat(s.value("baton_step_retries_total", "step_type", "transform")).isEqualTo(0.0);
        assertThat(s.value("baton_step_timeouts_total", "step_type", "http")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempt_duration_seconds_sum", "step_type", "http", "outcome", "succeeded"))
                .isEqualTo(0.02);
        assertThat(s.value("baton_step_attempt_duration_seconds_bucket", "step_type", "http", "outcome",
                "succeeded", "le", "0.025")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempt_duration_seconds_sum", "step_type", "http", "outcome", "timed_out"))
                .isEqualTo(30.0);
        assertThat(s.value("baton_step_attempt_duration_seconds_count", "step_type", "transform", "outcome",
                "skipped")).as("skipped steps are not timed").isNull();
    }

    @Test
    void an_attempt_interrupted_by_a_restart_is_not_a_failure_and_its_resumption_is_not_a_retry() {
        Run running = run("greet", RunStatus.RUNNING, null, 0, null);
        Instant start = T0.plusSeconds(1);
        metrics.attemptStarted(new AttemptInfo(running, "call", "http", 1, start))
                .finished(AttemptStatus.FAILED, new StepError("step_failed", "boom", true), start.plusSeconds(1));
        // attempt 2 (a retry) is open when the engine closes, then re-observed with its journaled start on resume
        metrics.attemptStarted(new AttemptInfo(running, "call", "http", 2, start.plusSeconds(2)))
                .finished(AttemptStatus.FAILED, new StepError("interrupted", "the engine closed", true),
                        start.plusSeconds(3));
        metrics.attemptStarted(new AttemptInfo(running, "call", "http", 2, start.plusSeconds(2)))
                .finished(AttemptStatus.SUCCEEDED, null, start.plusSeconds(10));
        // a first attempt interrupted and resumed is no retry either
        metrics.attemptStarted(new AttemptInfo(running, "shape", "transform", 1, start))
                .finished(AttemptStatus.FAILED, new StepError("interrupted", "the engine closed", true), start);
        metrics.attemptStarted(new AttemptInfo(running, "shape", "transform", 1, start))
                .finished(AttemptStatus.SUCCEEDED, null, start.plusSeconds(1));

        Scraped s = scrape();
        assertThat(s.value("baton_step_attempts_total", "step_type", "http", "outcome", "failed")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "http", "outcome", "interrupted"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "http", "outcome", "succeeded")).isEqualTo(1.0);
        assertThat(s.value("baton_step_attempt_duration_seconds_sum", "step_type", "http", "outcome", "interrupted"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_retries_total", "step_type", "http")).as("attempt 2 counted once")
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "transform", "outcome", "failed")).isNull();
        assertThat(s.value("baton_step_retries_total", "step_type", "transform")).isEqualTo(0.0);
    }

    @Test
    void gauges_read_the_bound_engine_at_scrape_time() {
        assertThat(scrape().value("baton_runs_in_flight")).isEqualTo(0.0);
        int[] load = {3, 7, 2};
        metrics.bind(() -> load[0], () -> load[1], () -> load[2]);

        Scraped s = scrape();
        assertThat(s.value("baton_runs_in_flight")).isEqualTo(3.0);
        assertThat(s.value("baton_runs_queued")).isEqualTo(7.0);
        assertThat(s.value("baton_step_attempts_waiting")).isEqualTo(2.0);
        load[1] = 0;
        assertThat(scrape().value("baton_runs_queued")).isEqualTo(0.0);
    }

    @Test
    void caches_one_meter_per_label_combination() {
        Run running = run("greet", RunStatus.RUNNING, null, 0, null);
        for (int i = 0; i < 50; i++) {
            metrics.runStarted(running, Duration.ZERO);
            metrics.attemptStarted(new AttemptInfo(running, "s", "http", 1, T0))
                    .finished(AttemptStatus.SUCCEEDED, null, T0);
        }
        int meters = registry.getMeters().size();
        metrics.runStarted(running, Duration.ZERO);
        assertThat(registry.getMeters()).hasSize(meters);
        assertThat(scrape().value("baton_runs_started_total", "workflow", "greet")).isEqualTo(51.0);
    }
}
