package dev.baton.core.store;

import dev.baton.core.run.AttemptStatus;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the attempts of one step of a workflow did in an {@link AnalyticsWindow} (attempts of the runs in the
 * window). The items of a {@code map} step, recorded as {@code <stepId>[<index>]}, are counted together under
 * {@code <stepId>[*]} (nested maps: {@code <stepId>[*][*]}), apart from the map step's own attempt.
 *
 * @param stepId    the step id, with map item indexes replaced by {@code *}
 * @param byStatus  attempts per status (every status present, 0 when none)
 * @param retries   attempts with an attempt number above 1
 * @param duration  percentiles of the duration of finished, not skipped attempts (start to finish), or
 *                  {@code null} when there is none
 * @param topErrors the most frequent error codes of the attempts, most frequent first (ties: code ascending), at
 *                  most {@link RunAnalytics#TOP_ERRORS}
 */
public record StepStats(String stepId, Map<AttemptStatus, Long> byStatus, long retries, Percentiles duration,
                        List<ErrorCount> topErrors) {
    public StepStats {
        Objects.requireNonNull(stepId, "stepId");
        byStatus = StatusCounts.complete(AttemptStatus.class, byStatus);
        topErrors = List.copyOf(topErrors);
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
    }

    /** All attempts. */
    public long attempts() {
        return StatusCounts.sum(byStatus);
    }

    /** Attempts that failed. */
    public long failures() {
        return byStatus.get(AttemptStatus.FAILED);
    }

    /** Attempts that timed out. */
    public long timeouts() {
        return byStatus.get(AttemptStatus.TIMED_OUT);
    }

    /**
     * The step id under which an attempt's step id is counted: map item indexes ({@code [12]}) become {@code [*]}.
     */
    public static String stepOf(String attemptStepId) {
        return attemptStepId.indexOf('[') < 0 ? attemptStepId : attemptStepId.replaceAll("\\[[0-9]+]", "[*]");
    }
}
