package dev.baton.core.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of one step of a run. Identified by (runId, stepId, attempt); recording it is idempotent on that key.
 *
 * @param runId      the run
 * @param stepId     the step id; items of a {@code map} step are recorded as {@code <stepId>[<index>]}
 * @param attempt    1-based attempt number
 * @param status     outcome so far
 * @param input      the arguments as evaluated for this attempt (secrets redacted), or {@code null} if skipped
 * @param output     the output when succeeded, else {@code null}
 * @param error      the error when failed, cancelled or timed out, else {@code null}
 * @param startedAt  when the attempt started
 * @param finishedAt when it finished, or {@code null} while running
 */
public record StepAttempt(String runId, String stepId, int attempt, AttemptStatus status, JsonNode input,
                          JsonNode output, StepError error, Instant startedAt, Instant finishedAt) {
    public StepAttempt {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
    }
}
