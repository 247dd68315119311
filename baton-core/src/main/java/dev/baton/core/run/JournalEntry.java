package dev.baton.core.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One durable state change of a run. The engine appends entries to the store <em>before</em> acting on them;
 * replaying a run's entries reconstructs its state after a crash. Every entry is also a run event that clients
 * can follow (Server-Sent Events).
 *
 * <p>Applying an entry is idempotent: {@link AttemptStarted} and {@link AttemptFinished} are keyed by
 * (runId, stepId, attempt), {@link RunStarted} and {@link RunFinished} by runId.
 */
public sealed interface JournalEntry {

    /** The run this entry belongs to. */
    String runId();

    /** When the change happened (engine clock). */
    Instant at();

    /** The run left the queue and started executing. */
    record RunStarted(String runId, Instant at) implements JournalEntry {
        public RunStarted {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(at, "at");
        }
    }

    /** An attempt of a step began, with its evaluated input. */
    record AttemptStarted(String runId, String stepId, int attempt, JsonNode input, Instant at) implements JournalEntry {
        public AttemptStarted {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(stepId, "stepId");
            Objects.requireNonNull(at, "at");
        }
    }

    /** An attempt reached a terminal status (a skipped step is recorded as attempt 1, SKIPPED, no start entry). */
    record AttemptFinished(String runId, String stepId, int attempt, AttemptStatus status, JsonNode output,
                           StepError error, Instant at) implements JournalEntry {
        public AttemptFinished {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(stepId, "stepId");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(at, "at");
            if (!status.isTerminal()) {
                throw new IllegalArgumentException("AttemptFinished needs a terminal status, got " + status);
            }
        }
    }

    /** The run reached a terminal status. */
    record RunFinished(String runId, RunStatus status, JsonNode outputs, StepError error, Instant at)
            implements JournalEntry {
        public RunFinished {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(at, "at");
            if (!status.isTerminal()) {
                throw new IllegalArgumentException("RunFinished needs a terminal status, got " + status);
            }
        }
    }

    /** A cancellation was requested (the run finishes as CANCELLED once running steps have stopped). */
    record CancelRequested(String runId, String reason, Instant at) implements JournalEntry {
        public CancelRequested {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(at, "at");
        }
    }
}
