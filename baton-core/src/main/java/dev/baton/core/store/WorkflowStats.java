package dev.baton.core.store;

import dev.baton.core.run.RunStatus;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the runs of one workflow did in an {@link AnalyticsWindow}.
 *
 * @param workflowId the workflow
 * @param byStatus   runs per status (every status present, 0 when none)
 * @param duration   percentiles of the run duration of finished runs that started, from
 *                   {@link dev.baton.core.run.Run#startedAt()} to {@link dev.baton.core.run.Run#finishedAt()}
 *                   (execution time; queue wait excluded), or {@code null} when there is none
 * @param retries    attempts of the runs' steps with an attempt number above 1
 * @param topErrors  the most frequent error codes of the runs' errors, most frequent first (ties: code
 *                   ascending), at most {@link RunAnalytics#TOP_ERRORS}
 */
public record WorkflowStats(String workflowId, Map<RunStatus, Long> byStatus, Percentiles duration, long retries,
                            List<ErrorCount> topErrors) {
    public WorkflowStats {
        Objects.requireNonNull(workflowId, "workflowId");
        byStatus = StatusCounts.complete(RunStatus.class, byStatus);
        topErrors = List.copyOf(topErrors);
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
    }

    /** A workflow without runs in the window. */
    public static WorkflowStats empty(String workflowId) {
        return new WorkflowStats(workflowId, Map.of(), null, 0, List.of());
    }

    /** All runs in the window. */
    public long runs() {
        return StatusCounts.sum(byStatus);
    }

    /** Runs in a terminal status. */
    public long finished() {
        return byStatus.entrySet().stream().filter(e -> e.getKey().isTerminal()).mapToLong(Map.Entry::getValue).sum();
    }

    /** Succeeded runs divided by finished runs (0..1), or {@code null} when no run finished. */
    public Double successRate() {
        long finished = finished();
        return finished == 0 ? null : (double) byStatus.get(RunStatus.SUCCEEDED) / finished;
    }
}
