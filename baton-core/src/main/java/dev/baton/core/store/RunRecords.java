package dev.baton.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepAttempt;

import java.time.Instant;
import java.util.Comparator;

/** How journal entries change run and attempt records, shared by the in-memory store's code paths. */
final class RunRecords {

    /** Attempt order of {@link RunStore#attempts}: start time, then step id, then attempt number. */
    static final Comparator<StepAttempt> ATTEMPT_ORDER = Comparator.comparing(StepAttempt::startedAt)
            .thenComparing(StepAttempt::stepId)
            .thenComparingInt(StepAttempt::attempt);

    private RunRecords() {
    }

    static Run started(Run run, Instant at) {
        return run.started(at);
    }

    static Run finished(Run run, JournalEntry.RunFinished e) {
        return run.finished(e.status(), copy(e.outputs()), e.error(), run.startedAt(), e.at());
    }

    /** The attempt after {@code e}; {@code current} is null for a step finished without a start (skipped). */
    static StepAttempt finished(StepAttempt current, JournalEntry.AttemptFinished e) {
        JsonNode input = current == null ? null : current.input();
        Instant startedAt = current == null ? e.at() : current.startedAt();
        return new StepAttempt(e.runId(), e.stepId(), e.attempt(), e.status(), input, copy(e.output()), e.error(),
                startedAt, e.at());
    }

    static boolean matches(Run run, RunQuery query) {
        return (query.workflowId() == null || query.workflowId().equals(run.workflowId()))
                && (query.status() == null || query.status() == run.status())
                && (query.createdAfter() == null || !run.createdAt().isBefore(query.createdAfter()))
                && (query.createdBefore() == null || run.createdAt().isBefore(query.createdBefore()));
    }

    static void checkEventsArguments(long afterSequence, int limit) {
        if (afterSequence < 0) {
            throw BatonException.invalidInput("afterSequence", "must be >= 0, got " + afterSequence);
        }
        if (limit < 1) {
            throw BatonException.invalidInput("limit", "must be >= 1, got " + limit);
        }
    }

    static JsonNode copy(JsonNode node) {
        return node == null ? null : node.deepCopy();
    }
}
