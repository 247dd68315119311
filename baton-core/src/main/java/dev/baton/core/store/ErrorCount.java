package dev.baton.core.store;

import java.util.Objects;

/**
 * How often an error code was recorded in an analytics window, with one run to look at.
 *
 * @param code         the {@link dev.baton.core.run.StepError#code()} (e.g. {@code upstream-unavailable})
 * @param count        how many runs (for a workflow) or attempts (for a step) ended with it; at least 1
 * @param exampleRunId the most recent such run: latest creation for runs, latest attempt start for attempts,
 *                     ties broken by the greater run id
 */
public record ErrorCount(String code, long count, String exampleRunId) {
    public ErrorCount {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(exampleRunId, "exampleRunId");
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
    }
}
