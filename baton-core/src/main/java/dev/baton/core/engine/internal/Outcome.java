package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;

import java.util.Objects;

/**
 * How an attempt (or, after its retries, a step) ended.
 *
 * @param status   terminal attempt status
 * @param output   the output when succeeded, else JSON null
 * @param error    the error when failed, cancelled or timed out, else {@code null}
 * @param recorded whether the attempt was journaled; an attempt cancelled before it started leaves no record
 */
record Outcome(AttemptStatus status, JsonNode output, StepError error, boolean recorded) {
    Outcome {
        Objects.requireNonNull(status, "status");
        output = output == null ? NullNode.getInstance() : output;
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("an outcome needs a terminal status, got " + status);
        }
    }

    static Outcome succeeded(JsonNode output) {
        return new Outcome(AttemptStatus.SUCCEEDED, output, null, true);
    }

    static Outcome skipped() {
        return new Outcome(AttemptStatus.SKIPPED, null, null, true);
    }

    static Outcome failed(StepError error) {
        return new Outcome(AttemptStatus.FAILED, null, error, true);
    }

    static Outcome failed(BatonException e) {
        return failed(StepError.of(e));
    }

    static Outcome cancelled(StepError reason) {
        return new Outcome(AttemptStatus.CANCELLED, null, reason, true);
    }

    static Outcome timedOut(StepError error) {
        return new Outcome(AttemptStatus.TIMED_OUT, null, error, true);
    }

    /** The outcome of a recorded, finished attempt. */
    static Outcome of(StepAttempt attempt) {
        return new Outcome(attempt.status(), attempt.output(), attempt.error(), true);
    }

    Outcome unrecorded() {
        return new Outcome(status, output, error, false);
    }

    boolean isFailure() {
        return status == AttemptStatus.FAILED || status == AttemptStatus.TIMED_OUT;
    }

    /** Whether this attempt was cut short by an engine restart (it does not count against maxAttempts). */
    boolean isInterruption() {
        return error != null && ErrorCode.INTERRUPTED.code().equals(error.code());
    }
}
