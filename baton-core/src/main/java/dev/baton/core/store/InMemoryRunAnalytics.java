package dev.baton.core.store;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link RunAnalytics} over an {@link InMemoryRunStore}: each question reads the runs of the window (each run
 * consistent with its attempts, see {@link InMemoryRunStore#snapshot}) and aggregates them in Java, with the
 * definitions of {@link RunAnalytics}. Cost is linear in the runs (and, for steps, attempts) of the window: for
 * tests, benchmarks and single-node trials. Thread-safe.
 */
public final class InMemoryRunAnalytics implements RunAnalytics {
    /** Most recent first: the example run of an error code. */
    private static final Comparator<Example> LATEST = Comparator.comparing(Example::at)
            .thenComparing(Example::runId);

    private final InMemoryRunStore store;

    /** @param store the store whose runs are analysed */
    public InMemoryRunAnalytics(InMemoryRunStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public List<WorkflowStats> workflows(String tenantId, AnalyticsWindow window, int limit) {
        RunAnalytics.checkFetch(limit);
        Map<String, List<InMemoryRunStore.RunRecord>> byWorkflow = new HashMap<>();
        for (InMemoryRunStore.RunRecord record : runs(tenantId, window, null, true)) {
            byWorkflow.computeIfAbsent(record.run().workflowId(), id -> new ArrayList<>()).add(record);
        }
        return byWorkflow.entrySet().stream()
                .map(e -> stats(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(WorkflowStats::runs).reversed()
                        .thenComparing(WorkflowStats::workflowId))
                .limit(limit)
                .toList();
    }

    @Override
    public Optional<WorkflowStats> workflow(String tenantId, String workflowId, AnalyticsWindow window) {
        Objects.requireNonNull(workflowId, "workflowId");
        List<InMemoryRunStore.RunRecord> records = runs(tenantId, window, workflowId, true);
        return records.isEmpty() ? Optional.empty() : Optional.of(stats(workflowId, records));
    }

    @Override
    public List<StepStats> steps(String tenantId, String workflowId, AnalyticsWindow window, int limit) {
        RunAnalytics.checkFetch(limit);
        Objects.requireNonNull(workflowId, "workflowId");
        Map<String, StepSum> bySteps = new TreeMap<>();
        for (InMemoryRunStore.RunRecord record : runs(tenantId, window, workflowId, true)) {
            for (StepAttempt attempt : record.attempts()) {
                bySteps.computeIfAbsent(StepStats.stepOf(attempt.stepId()), id -> new StepSum()).add(attempt);
            }
        }
        return bySteps.entrySet().stream().limit(limit).map(e -> e.getValue().stats(e.getKey())).toList();
    }

    @Override
    public TenantStats tenant(String tenantId, AnalyticsWindow window) {
        Map<RunStatus, Long> byStatus = new EnumMap<>(RunStatus.class);
        for (InMemoryRunStore.RunRecord record : runs(tenantId, window, null, false)) {
            byStatus.merge(record.run().status(), 1L, Long::sum);
        }
        return new TenantStats(tenantId, byStatus);
    }

    /** The window's runs, of one workflow unless {@code workflowId} is null. */
    private List<InMemoryRunStore.RunRecord> runs(String tenantId, AnalyticsWindow window, String workflowId,
                                                  boolean withAttempts) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(window, "window");
        return store.snapshot(tenantId, window.from(), window.to(),
                run -> (window.childRuns() || run.parentRunId() == null)
                        && (workflowId == null || workflowId.equals(run.workflowId())),
                withAttempts);
    }

    private static WorkflowStats stats(String workflowId, List<InMemoryRunStore.RunRecord> records) {
        Map<RunStatus, Long> byStatus = new EnumMap<>(RunStatus.class);
        List<Double> durations = new ArrayList<>();
        long retries = 0;
        ErrorSum errors = new ErrorSum();
        for (InMemoryRunStore.RunRecord record : records) {
            Run run = record.run();
            byStatus.merge(run.status(), 1L, Long::sum);
            if (run.startedAt() != null && run.finishedAt() != null) {
                durations.add(millis(run.startedAt(), run.finishedAt()));
            }
            if (run.error() != null) {
                errors.add(run.error().code(), run.createdAt(), run.id());
            }
            retries += record.attempts().stream().filter(a -> a.attempt() > 1).count();
        }
        return new WorkflowStats(workflowId, byStatus, percentiles(durations), retries, errors.top());
    }

    /**
     * Milliseconds between two instants, at the stores' microsecond precision; 0 when {@code to} is before
     * {@code from} (clock skew between nodes), as the JDBC stores do.
     */
    static double millis(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return Math.max(0, (d.getSeconds() * 1_000_000L + d.getNano() / 1_000) / 1000.0);
    }

    static Percentiles percentiles(List<Double> durations) {
        return Percentiles.of(durations.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Running figures of one step; confined to the calling thread. */
    private static final class StepSum {
        final Map<AttemptStatus, Long> byStatus = new EnumMap<>(AttemptStatus.class);
        final List<Double> durations = new ArrayList<>();
        final ErrorSum errors = new ErrorSum();
        long retries;

        void add(StepAttempt attempt) {
            byStatus.merge(attempt.status(), 1L, Long::sum);
            if (attempt.attempt() > 1) {
                retries++;
            }
            if (attempt.finishedAt() != null && attempt.status() != AttemptStatus.SKIPPED) {
                durations.add(millis(attempt.startedAt(), attempt.finishedAt()));
            }
            if (attempt.error() != null) {
                errors.add(attempt.error().code(), attempt.startedAt(), attempt.runId());
            }
        }

        StepStats stats(String stepId) {
            return new StepStats(stepId, byStatus, retries, percentiles(durations), errors.top());
        }
    }

    private record Example(Instant at, String runId) {
    }

    /** Error codes with their counts and latest example; confined to the calling thread. */
    private static final class ErrorSum {
        final Map<String, Long> counts = new HashMap<>();
        final Map<String, Example> examples = new HashMap<>();

        void add(String code, Instant at, String runId) {
            counts.merge(code, 1L, Long::sum);
            examples.merge(code, new Example(at, runId), (a, b) -> LATEST.compare(a, b) >= 0 ? a : b);
        }

        List<ErrorCount> top() {
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(TOP_ERRORS)
                    .map(e -> new ErrorCount(e.getKey(), e.getValue(), examples.get(e.getKey()).runId()))
                    .toList();
        }
    }
}
