package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.run.StepError;

import java.util.Objects;

/**
 * The result row of one input of a batch.
 *
 * @param index      the input's position in the batch
 * @param source     the input's identity ({@code file:line} or a path)
 * @param runId      the run's id, or {@code null} when the run was refused before it started
 * @param status     the run's wire status ({@code succeeded}, {@code failed}, ...) or {@code rejected} when the
 *                   engine refused to start it (for example inputs that violate the workflow's schema)
 * @param outputs    the run outputs when it succeeded, else {@code null}
 * @param error      why it failed, else {@code null}
 * @param durationMs from acceptance to finish, milliseconds
 */
public record RunResult(int index, String source, String runId, String status, JsonNode outputs, StepError error,
                        long durationMs) {
    /** The status of an input the engine refused to start. */
    public static final String REJECTED = "rejected";

    public RunResult {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(status, "status");
        if (durationMs < 0) {
            throw new IllegalArgumentException("durationMs must be >= 0, got " + durationMs);
        }
    }

    public boolean succeeded() {
        return "succeeded".equals(status);
    }
}
