package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.StepAttempt;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code sleep}: a durable timer. The wake-up instant is computed once and journaled as {@code until} in the
 * attempt's input, so after a restart the timer is re-armed for the original instant (and fires at once if that
 * has passed). Output {@code {"until": "<ISO instant>"}}. Holds no permit.
 */
final class SleepExecution implements Execution {
    private volatile EngineClock.Timer timer;

    @Override
    public void begin(AttemptRun attempt, JsonNode input) {
        Duration duration;
        try {
            duration = BuiltInArguments.duration("with.duration", input.path("duration"));
        } catch (BatonException e) {
            if (attempt.markStarted(input)) {
                attempt.completeFromExecution(Outcome.failed(e));
            }
            return;
        }
        Instant until = attempt.run().clock().instant().plus(duration);
        ObjectNode journaled = input.isObject() ? ((ObjectNode) input).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        journaled.put("until", until.toString());
        if (!attempt.markStarted(journaled)) {
            return;
        }
        attempt.startedDurable().thenRun(() -> {
            attempt.armTimeout();
            arm(attempt, until);
        });
    }

    @Override
    public boolean canReattach() {
        return true;
    }

    @Override
    public void reattach(AttemptRun attempt, StepAttempt previous) {
        Instant until;
        try {
            until = Instant.parse(previous.input().path("until").asText());
        } catch (DateTimeParseException | NullPointerException e) {
            attempt.completeFromExecution(Outcome.failed(new BatonException(ErrorCode.INTERNAL,
                    "sleep step '" + attempt.stepId() + "' has no journaled wake-up instant")));
            return;
        }
        arm(attempt, until);
    }

    private void arm(AttemptRun attempt, Instant until) {
        ObjectNode output = JsonNodeFactory.instance.objectNode().put("until", until.toString());
        timer = attempt.run().clock().scheduleAt(until, () -> attempt.completeFromExecution(Outcome.succeeded(output)));
        if (attempt.isDone()) {
            timer.cancel();
        }
    }

    @Override
    public void stop(AttemptRun attempt) {
        EngineClock.Timer current = timer;
        if (current != null) {
            current.cancel();
        }
    }
}
