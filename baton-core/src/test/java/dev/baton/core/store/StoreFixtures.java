package dev.baton.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;

import java.time.Instant;
import java.util.UUID;

/**
 * Builders of runs and journal entries for the store contract suites. Instants are whole milliseconds, which
 * every store keeps exactly; JSON values are parsed from text so their node types are canonical.
 */
public final class StoreFixtures {
    /** An arbitrary fixed instant the fixtures count from. */
    public static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreFixtures() {
    }

    /** JSON parsed from text (single quotes allowed for readability). */
    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON: " + text, e);
        }
    }

    /** A QUEUED run of workflow {@code workflowId} v1 created at {@code T0 + seconds}. */
    public static Run queued(String tenantId, String workflowId, long seconds) {
        return new Run(UUID.randomUUID().toString(), tenantId, workflowId, 1, RunStatus.QUEUED, 0,
                json("{'n': " + seconds + "}"), null, null, null, null, null, T0.plusSeconds(seconds), null, null);
    }

    /** A QUEUED run with an idempotency key. */
    public static Run queuedWithKey(String tenantId, String key) {
        return new Run(UUID.randomUUID().toString(), tenantId, "wf", 1, RunStatus.QUEUED, 0, json("{}"), null, null,
                key, null, null, T0, null, null);
    }

    public static JournalEntry.RunStarted runStarted(Run run, long millis) {
        return new JournalEntry.RunStarted(run.id(), T0.plusMillis(millis));
    }

    public static JournalEntry.AttemptStarted attemptStarted(Run run, String step, int attempt, long millis) {
        return new JournalEntry.AttemptStarted(run.id(), step, attempt, json("{'step': '" + step + "'}"),
                T0.plusMillis(millis));
    }

    public static JournalEntry.AttemptFinished succeeded(Run run, String step, int attempt, long millis) {
        return new JournalEntry.AttemptFinished(run.id(), step, attempt, AttemptStatus.SUCCEEDED,
                json("{'result': '" + step + "-" + attempt + "'}"), null, T0.plusMillis(millis));
    }

    public static JournalEntry.AttemptFinished failed(Run run, String step, int attempt, long millis) {
        return new JournalEntry.AttemptFinished(run.id(), step, attempt, AttemptStatus.FAILED, null,
                new StepError("upstream-unavailable", "HTTP 503 from 127.0.0.1", true), T0.plusMillis(millis));
    }

    public static JournalEntry.RunFinished runSucceeded(Run run, long millis) {
        return new JournalEntry.RunFinished(run.id(), RunStatus.SUCCEEDED, json("{'answer': 42}"), null,
                T0.plusMillis(millis));
    }

    public static JournalEntry.RunFinished runFailed(Run run, long millis) {
        return new JournalEntry.RunFinished(run.id(), RunStatus.FAILED, null,
                new StepError("step-failed", "step 'b' failed", false), T0.plusMillis(millis));
    }
}
