package dev.baton.core.store;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.baton.core.store.StoreFixtures.T0;
import static dev.baton.core.store.StoreFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * What every {@link RunAnalytics} must compute from the runs and attempts of its {@link RunStore}. Extend it once
 * per implementation and return an empty store with its analytics from {@link #emptyStores()}; shipped in
 * baton-core's test jar for the JDBC stores (H2 and PostgreSQL).
 *
 * <p>Runs are written through {@link RunStore#create} and {@link RunStore#append}, as the engine writes them.
 * Instants are whole milliseconds after {@link StoreFixtures#T0}.
 */
public abstract class RunAnalyticsContract {
    /** A window holding every run these tests create at seconds 0..999. */
    protected static final AnalyticsWindow ALL = AnalyticsWindow.of(T0, T0.plusSeconds(1000));

    /** A run store and the analytics reading it. */
    public record Stores(RunStore runs, RunAnalytics analytics) {
    }

    private RunStore store;
    private RunAnalytics analytics;

    /** An empty store and its analytics. Called before each test. */
    protected abstract Stores emptyStores();

    @BeforeEach
    void setUp() {
        Stores stores = emptyStores();
        store = stores.runs();
        analytics = stores.analytics();
    }

    // ---- building runs -------------------------------------------------------------------------------------

    private Run create(String tenant, String workflow, long createdSecond, String parentRunId) {
        Run run = new Run(UUID.randomUUID().toString(), tenant, workflow, 1, RunStatus.QUEUED, 0, json("{}"), null,
                null, null, parentRunId, parentRunId == null ? null : "child", T0.plusSeconds(createdSecond), null,
                null);
        return store.create(run);
    }

    /** A run created at {@code createdSecond}, started 10 ms later, finished {@code durationMs} after its start. */
    private Run finished(String workflow, long createdSecond, long durationMs, RunStatus status, String errorCode) {
        Run run = create("default", workflow, createdSecond, null);
        long start = createdSecond * 1000 + 10;
        store.append(List.of(new JournalEntry.RunStarted(run.id(), T0.plusMillis(start)),
                new JournalEntry.RunFinished(run.id(), status, null,
                        errorCode == null ? null : new StepError(errorCode, "failed", false),
                        T0.plusMillis(start + durationMs))));
        return run;
    }

    private Run succeeded(String workflow, long createdSecond, long durationMs) {
        return finished(workflow, createdSecond, durationMs, RunStatus.SUCCEEDED, null);
    }

    private Run running(String workflow, long createdSecond) {
        Run run = create("default", workflow, createdSecond, null);
        store.append(List.of(new JournalEntry.RunStarted(run.id(), T0.plusMillis(createdSecond * 1000 + 10))));
        return run;
    }

    /** An attempt of {@code step} starting at {@code startMs}, lasting {@code durationMs}, ending in {@code status}. */
    private void attempt(Run run, String step, int attempt, long startMs, long durationMs, AttemptStatus status,
                         String errorCode) {
        StepError error = errorCode == null ? null : new StepError(errorCode, "attempt failed", true);
        store.append(List.of(
                new JournalEntry.AttemptStarted(run.id(), step, attempt, json("{}"), T0.plusMillis(startMs)),
                new JournalEntry.AttemptFinished(run.id(), step, attempt, status, null, error,
                        T0.plusMillis(startMs + durationMs))));
    }

    // ---- workflows -----------------------------------------------------------------------------------------

    @Test
    void counts_runs_by_status_with_success_rate_and_duration_percentiles() {
        for (long duration : new long[] {100, 200, 300, 400, 1000}) {
            succeeded("wf", duration / 100, duration);
        }
        finished("wf", 20, 500, RunStatus.FAILED, "upstream-unavailable");
        finished("wf", 21, 600, RunStatus.TIMED_OUT, "timeout");
        running("wf", 22);
        create("default", "wf", 23, null);
        Run cancelledInQueue = create("default", "wf", 24, null);
        store.append(List.of(new JournalEntry.RunFinished(cancelledInQueue.id(), RunStatus.CANCELLED, null,
                StepError.of(ErrorCode.CANCELLED, "cancelled"), T0.plusSeconds(30))));

        WorkflowStats stats = analytics.workflow("default", "wf", ALL).orElseThrow();

        assertThat(stats.byStatus()).containsExactlyInAnyOrderEntriesOf(Map.of(RunStatus.QUEUED, 1L,
                RunStatus.RUNNING, 1L, RunStatus.SUCCEEDED, 5L, RunStatus.FAILED, 1L, RunStatus.CANCELLED, 1L,
                RunStatus.TIMED_OUT, 1L));
        assertThat(stats.runs()).isEqualTo(10);
        assertThat(stats.finished()).isEqualTo(8);
        assertThat(stats.successRate()).isCloseTo(5.0 / 8, within(1e-9));
        // started and finished: 100, 200, 300, 400, 500, 600, 1000 ms (the run cancelled in the queue never started)
        assertThat(stats.duration().p50()).isCloseTo(400, within(1e-6));
        assertThat(stats.duration().p95()).isCloseTo(880, within(1e-6));
        assertThat(stats.duration().p99()).isCloseTo(976, within(1e-6));
    }

    @Test
    void a_run_or_attempt_that_finished_before_it_started_counts_as_lasting_zero() {
        // Clock skew: the run was resumed on a node whose clock is behind the one that started it.
        Run skewed = finished("wf", 1, -50, RunStatus.SUCCEEDED, null);
        finished("wf", 2, -20, RunStatus.SUCCEEDED, null);
        succeeded("wf", 3, 200);
        attempt(skewed, "fetch", 1, 1100, -30, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(skewed, "fetch", 2, 1200, -10, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(skewed, "fetch", 3, 1300, 40, AttemptStatus.SUCCEEDED, null);

        List<WorkflowStats> listed = analytics.workflows("default", ALL, 10);
        StepStats fetch = analytics.steps("default", "wf", ALL, 10).getFirst();

        assertThat(listed).extracting(WorkflowStats::runs).containsExactly(3L);
        // 0, 0, 200 ms
        WorkflowStats stats = listed.getFirst();
        assertThat(stats.duration().p50()).isCloseTo(0, within(1e-6));
        assertThat(stats.duration().p95()).isCloseTo(180, within(1e-6));
        assertThat(analytics.workflow("default", "wf", ALL).orElseThrow().duration()).isEqualTo(stats.duration());
        // 0, 0, 40 ms
        assertThat(fetch.duration().p50()).isCloseTo(0, within(1e-6));
        assertThat(fetch.duration().p99()).isCloseTo(39.2, within(1e-6));
    }

    @Test
    void a_workflow_without_runs_in_the_window_has_no_figures() {
        running("wf", 5);

        assertThat(analytics.workflow("default", "other", ALL)).isEmpty();
        assertThat(analytics.workflow("default", "wf", AnalyticsWindow.of(T0.plusSeconds(6), T0.plusSeconds(9))))
                .isEmpty();
        WorkflowStats unfinished = analytics.workflow("default", "wf", ALL).orElseThrow();
        assertThat(unfinished.successRate()).isNull();
        assertThat(unfinished.duration()).isNull();
    }

    @Test
    void the_window_holds_runs_created_from_inclusive_to_exclusive() {
        succeeded("wf", 9, 100);
        succeeded("wf", 10, 100);
        succeeded("wf", 19, 100);
        succeeded("wf", 20, 100);

        AnalyticsWindow window = AnalyticsWindow.of(T0.plusSeconds(10), T0.plusSeconds(20));

        assertThat(analytics.workflow("default", "wf", window).orElseThrow().runs()).isEqualTo(2);
        assertThat(analytics.tenant("default", window).runs()).isEqualTo(2);
        assertThat(analytics.workflows("default", window, 10)).extracting(WorkflowStats::runs).containsExactly(2L);
    }

    @Test
    void child_runs_count_only_when_the_window_asks_for_them() {
        Run parent = succeeded("parent", 1, 100);
        Run child = create("default", "child", 2, parent.id());
        store.append(List.of(new JournalEntry.RunStarted(child.id(), T0.plusSeconds(2)),
                new JournalEntry.RunFinished(child.id(), RunStatus.SUCCEEDED, null, null, T0.plusSeconds(3))));
        AnalyticsWindow withChildren = new AnalyticsWindow(ALL.from(), ALL.to(), true);

        assertThat(analytics.workflows("default", ALL, 10)).extracting(WorkflowStats::workflowId)
                .containsExactly("parent");
        assertThat(analytics.workflow("default", "child", ALL)).isEmpty();
        assertThat(analytics.tenant("default", ALL).runs()).isEqualTo(1);
        assertThat(analytics.workflows("default", withChildren, 10)).extracting(WorkflowStats::workflowId)
                .containsExactly("child", "parent");
        assertThat(analytics.tenant("default", withChildren).runs()).isEqualTo(2);
    }

    @Test
    void other_tenants_runs_are_not_counted() {
        succeeded("wf", 1, 100);
        create("acme", "wf", 2, null);
        create("acme", "theirs", 3, null);

        assertThat(analytics.workflows("default", ALL, 10)).extracting(WorkflowStats::workflowId, WorkflowStats::runs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("wf", 1L));
        assertThat(analytics.tenant("acme", ALL).byStatus()).containsEntry(RunStatus.QUEUED, 2L);
        assertThat(analytics.tenant("nobody", ALL).runs()).isZero();
        assertThat(analytics.tenant("nobody", ALL).successRate()).isNull();
    }

    @Test
    void workflows_come_most_runs_first_then_by_id_and_stop_at_the_limit() {
        for (String workflow : List.of("b", "a", "c", "c", "d", "d", "d")) {
            create("default", workflow, 1, null);
        }

        assertThat(analytics.workflows("default", ALL, 10)).extracting(WorkflowStats::workflowId)
                .containsExactly("d", "c", "a", "b");
        assertThat(analytics.workflows("default", ALL, 3)).extracting(WorkflowStats::workflowId)
                .containsExactly("d", "c", "a");
    }

    @Test
    void ids_are_ordered_by_code_point_whatever_the_database_collation() {
        Run run = succeeded("b", 1, 10);
        for (String workflow : List.of("B", "a", "A")) {
            create("default", workflow, 2, null);
        }
        for (String step : List.of("b", "B", "a", "A")) {
            attempt(run, step, 1, 1100, 10, AttemptStatus.SUCCEEDED, null);
        }

        assertThat(analytics.workflows("default", ALL, 10)).extracting(WorkflowStats::workflowId)
                .containsExactly("A", "B", "a", "b");
        assertThat(analytics.workflows("default", ALL, 2)).extracting(WorkflowStats::workflowId)
                .containsExactly("A", "B");
        assertThat(analytics.steps("default", "b", ALL, 10)).extracting(StepStats::stepId)
                .containsExactly("A", "B", "a", "b");
        assertThat(analytics.steps("default", "b", ALL, 2)).extracting(StepStats::stepId).containsExactly("A", "B");
    }

    @Test
    void top_error_codes_are_counted_with_the_latest_run_as_example() {
        finished("wf", 1, 10, RunStatus.FAILED, "upstream-unavailable");
        Run latestUpstream = finished("wf", 5, 10, RunStatus.FAILED, "upstream-unavailable");
        finished("wf", 3, 10, RunStatus.FAILED, "upstream-unavailable");
        Run timedOut = finished("wf", 2, 10, RunStatus.TIMED_OUT, "timeout");
        Run cancelled = finished("wf", 4, 10, RunStatus.CANCELLED, "cancelled");
        succeeded("wf", 6, 10);

        List<ErrorCount> errors = analytics.workflow("default", "wf", ALL).orElseThrow().topErrors();

        assertThat(errors).containsExactly(new ErrorCount("upstream-unavailable", 3, latestUpstream.id()),
                new ErrorCount("cancelled", 1, cancelled.id()), new ErrorCount("timeout", 1, timedOut.id()));
    }

    @Test
    void at_most_ten_error_codes_are_listed() {
        for (int i = 0; i < 12; i++) {
            finished("wf", i, 10, RunStatus.FAILED, "code-" + (char) ('a' + i));
        }
        finished("wf", 20, 10, RunStatus.FAILED, "code-l");

        List<ErrorCount> errors = analytics.workflows("default", ALL, 1).getFirst().topErrors();

        assertThat(errors).hasSize(RunAnalytics.TOP_ERRORS);
        assertThat(errors).extracting(ErrorCount::code).startsWith("code-l", "code-a", "code-b").endsWith("code-i");
    }

    @Test
    void retries_count_attempts_after_the_first_of_every_step() {
        Run run = succeeded("wf", 1, 5000);
        attempt(run, "a", 1, 1100, 10, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(run, "a", 2, 1200, 10, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(run, "a", 3, 1300, 10, AttemptStatus.SUCCEEDED, null);
        attempt(run, "b", 1, 1400, 10, AttemptStatus.TIMED_OUT, "timeout");
        attempt(run, "b", 2, 1500, 10, AttemptStatus.SUCCEEDED, null);
        Run other = succeeded("wf", 2, 5000);
        attempt(other, "a", 1, 2100, 10, AttemptStatus.SUCCEEDED, null);

        assertThat(analytics.workflow("default", "wf", ALL).orElseThrow().retries()).isEqualTo(3);
        assertThat(analytics.workflows("default", ALL, 10).getFirst().retries()).isEqualTo(3);
    }

    // ---- steps ---------------------------------------------------------------------------------------------

    @Test
    void step_figures_count_attempts_by_status_with_retries_and_duration_percentiles() {
        Run first = succeeded("wf", 1, 5000);
        attempt(first, "fetch", 1, 1100, 100, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(first, "fetch", 2, 1300, 200, AttemptStatus.TIMED_OUT, "timeout");
        attempt(first, "fetch", 3, 1600, 300, AttemptStatus.SUCCEEDED, null);
        attempt(first, "notify", 1, 2000, 0, AttemptStatus.SKIPPED, null);
        Run second = running("wf", 2);
        attempt(second, "fetch", 1, 2100, 400, AttemptStatus.SUCCEEDED, null);
        store.append(List.of(new JournalEntry.AttemptStarted(second.id(), "notify", 1, json("{}"),
                T0.plusMillis(2600))));

        List<StepStats> steps = analytics.steps("default", "wf", ALL, 10);

        assertThat(steps).extracting(StepStats::stepId).containsExactly("fetch", "notify");
        StepStats fetch = steps.getFirst();
        assertThat(fetch.attempts()).isEqualTo(4);
        assertThat(fetch.byStatus()).containsEntry(AttemptStatus.SUCCEEDED, 2L).containsEntry(AttemptStatus.FAILED, 1L)
                .containsEntry(AttemptStatus.TIMED_OUT, 1L).containsEntry(AttemptStatus.RUNNING, 0L);
        assertThat(fetch.failures()).isEqualTo(1);
        assertThat(fetch.timeouts()).isEqualTo(1);
        assertThat(fetch.retries()).isEqualTo(2);
        // 100, 200, 300, 400 ms
        assertThat(fetch.duration().p50()).isCloseTo(250, within(1e-6));
        assertThat(fetch.duration().p95()).isCloseTo(385, within(1e-6));
        assertThat(fetch.duration().p99()).isCloseTo(397, within(1e-6));
        StepStats notify = steps.get(1);
        assertThat(notify.byStatus()).containsEntry(AttemptStatus.SKIPPED, 1L).containsEntry(AttemptStatus.RUNNING, 1L);
        assertThat(notify.duration()).as("skipped and running attempts have no duration").isNull();
        assertThat(notify.topErrors()).isEmpty();
    }

    @Test
    void step_error_codes_name_the_run_of_the_latest_attempt() {
        Run early = succeeded("wf", 1, 5000);
        attempt(early, "fetch", 1, 9000, 10, AttemptStatus.FAILED, "upstream-unavailable");
        Run late = succeeded("wf", 2, 5000);
        attempt(late, "fetch", 1, 2100, 10, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(late, "fetch", 2, 2200, 10, AttemptStatus.FAILED, "rate-limited");
        attempt(late, "fetch", 3, 2300, 10, AttemptStatus.CANCELLED, "cancelled");

        List<ErrorCount> errors = analytics.steps("default", "wf", ALL, 10).getFirst().topErrors();

        assertThat(errors).containsExactly(new ErrorCount("upstream-unavailable", 2, early.id()),
                new ErrorCount("cancelled", 1, late.id()), new ErrorCount("rate-limited", 1, late.id()));
    }

    @Test
    void map_items_are_counted_together_apart_from_the_map_step() {
        Run run = succeeded("wf", 1, 5000);
        attempt(run, "each", 1, 1100, 500, AttemptStatus.SUCCEEDED, null);
        attempt(run, "each[0]", 1, 1200, 10, AttemptStatus.SUCCEEDED, null);
        attempt(run, "each[1]", 1, 1200, 10, AttemptStatus.FAILED, "upstream-unavailable");
        attempt(run, "each[1]", 2, 1300, 10, AttemptStatus.SUCCEEDED, null);
        attempt(run, "each[12]", 1, 1200, 10, AttemptStatus.SUCCEEDED, null);
        attempt(run, "nest[0][1]", 1, 1200, 10, AttemptStatus.SUCCEEDED, null);
        attempt(run, "nest[2][10]", 1, 1200, 10, AttemptStatus.SUCCEEDED, null);

        List<StepStats> steps = analytics.steps("default", "wf", ALL, 10);

        assertThat(steps).extracting(StepStats::stepId, StepStats::attempts, StepStats::retries).containsExactly(
                org.assertj.core.groups.Tuple.tuple("each", 1L, 0L),
                org.assertj.core.groups.Tuple.tuple("each[*]", 4L, 1L),
                org.assertj.core.groups.Tuple.tuple("nest[*][*]", 2L, 0L));
    }

    @Test
    void steps_come_by_id_only_for_the_workflow_and_window_and_stop_at_the_limit() {
        Run run = succeeded("wf", 1, 5000);
        List<String> ids = new ArrayList<>(List.of("c", "a", "b"));
        for (String id : ids) {
            attempt(run, id, 1, 1100, 10, AttemptStatus.SUCCEEDED, null);
        }
        Run otherWorkflow = succeeded("other", 2, 5000);
        attempt(otherWorkflow, "z", 1, 2100, 10, AttemptStatus.SUCCEEDED, null);
        Run outside = succeeded("wf", 500, 5000);
        attempt(outside, "late", 1, 500_100, 10, AttemptStatus.SUCCEEDED, null);

        AnalyticsWindow early = AnalyticsWindow.of(T0, T0.plusSeconds(100));

        assertThat(analytics.steps("default", "wf", early, 10)).extracting(StepStats::stepId)
                .containsExactly("a", "b", "c");
        assertThat(analytics.steps("default", "wf", early, 2)).extracting(StepStats::stepId).containsExactly("a", "b");
        assertThat(analytics.steps("default", "nothing", early, 2)).isEmpty();
    }

    // ---- tenant and arguments ------------------------------------------------------------------------------

    @Test
    void tenant_figures_count_every_workflows_runs_by_status() {
        succeeded("a", 1, 10);
        succeeded("b", 2, 10);
        finished("b", 3, 10, RunStatus.FAILED, "step-failed");
        running("c", 4);

        TenantStats tenant = analytics.tenant("default", ALL);

        assertThat(tenant.tenantId()).isEqualTo("default");
        assertThat(tenant.runs()).isEqualTo(4);
        assertThat(tenant.byStatus()).containsEntry(RunStatus.SUCCEEDED, 2L).containsEntry(RunStatus.FAILED, 1L)
                .containsEntry(RunStatus.RUNNING, 1L).containsEntry(RunStatus.QUEUED, 0L);
        assertThat(tenant.successRate()).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void listings_accept_one_more_than_the_largest_page_to_tell_a_cut_listing() {
        for (int i = 0; i <= RunAnalytics.MAX_LIMIT; i++) {
            create("default", "wf-" + i, 1, null);
        }

        assertThat(analytics.workflows("default", ALL, RunAnalytics.MAX_FETCH)).hasSize(RunAnalytics.MAX_LIMIT + 1);
        assertThat(analytics.workflows("default", ALL, RunAnalytics.MAX_LIMIT)).hasSize(RunAnalytics.MAX_LIMIT);
        assertThat(analytics.steps("default", "wf-0", ALL, RunAnalytics.MAX_FETCH)).isEmpty();
    }

    @Test
    void a_limit_out_of_range_is_invalid_input() {
        for (int limit : new int[] {0, RunAnalytics.MAX_FETCH + 1}) {
            assertThatThrownBy(() -> analytics.workflows("default", ALL, limit)).isInstanceOf(BatonException.class)
                    .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("limit");
            assertThatThrownBy(() -> analytics.steps("default", "wf", ALL, limit)).isInstanceOf(BatonException.class)
                    .hasMessageContaining("limit");
        }
    }

    @Test
    void instants_are_compared_exactly_at_the_window_edges() {
        Instant edge = T0.plusSeconds(50);
        succeeded("wf", 50, 10);

        assertThat(analytics.tenant("default", AnalyticsWindow.of(edge, edge.plusMillis(1))).runs()).isEqualTo(1);
        assertThat(analytics.tenant("default", AnalyticsWindow.of(edge.minusMillis(1), edge)).runs()).isZero();
    }
}
