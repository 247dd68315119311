package dev.baton.core.store;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable state of one run in an {@link InMemoryRunStore}: its current record, whether a cancel was requested,
 * its attempts and its events, plus its lease (owner and expiry, read and written by {@link InMemoryRunLeases}).
 * Journal entries are applied to it through a {@link Staged} copy, so that an {@code append} is all or none.
 *
 * <p>Not thread-safe: only read under the store's read lock and only changed under its write lock.
 */
final class RunState {
    Run run;
    boolean cancelRequested;
    /** The node holding the run's lease (kept after the run finishes), or {@code null}. */
    String leaseOwner;
    /** When the lease expires (store time), or {@code null} when the run has no owner. */
    Instant leaseExpiresAt;
    final Map<AttemptKey, StepAttempt> attempts = new HashMap<>();
    final List<RunEvent> events = new ArrayList<>();

    RunState(Run run) {
        this.run = run;
    }

    /** One attempt of one step. */
    record AttemptKey(String stepId, int attempt) {
    }

    /**
     * Changes to one run within an append, published only once every entry applied.
     *
     * <p>Not thread-safe: used by one {@code append} under the store's write lock.
     */
    static final class Staged {
        final RunState state;
        Run run;
        boolean cancelRequested;
        final Map<AttemptKey, StepAttempt> attempts = new HashMap<>();
        final List<RunEvent> events = new ArrayList<>();

        Staged(RunState state) {
            this.state = state;
            this.run = state.run;
            this.cancelRequested = state.cancelRequested;
        }

        /** Applies {@code entry}; when it changed anything, it becomes the run's next event. */
        void record(JournalEntry entry) {
            if (apply(entry)) {
                events.add(new RunEvent(state.events.size() + events.size() + 1L, entry));
            }
        }

        /** Applies one entry to the staged state; whether it changed anything. */
        private boolean apply(JournalEntry entry) {
            return switch (entry) {
                case JournalEntry.RunStarted e -> {
                    if (run.status() != RunStatus.QUEUED) {
                        yield false;
                    }
                    run = RunRecords.started(run, e.at());
                    yield true;
                }
                case JournalEntry.AttemptStarted e -> {
                    AttemptKey key = new AttemptKey(e.stepId(), e.attempt());
                    if (attempt(key) != null) {
                        yield false;
                    }
                    attempts.put(key, new StepAttempt(e.runId(), e.stepId(), e.attempt(), AttemptStatus.RUNNING,
                            RunRecords.copy(e.input()), null, null, e.at(), null));
                    yield true;
                }
                case JournalEntry.AttemptFinished e -> {
                    AttemptKey key = new AttemptKey(e.stepId(), e.attempt());
                    StepAttempt current = attempt(key);
                    if (current != null && current.status().isTerminal()) {
                        yield false;
                    }
                    attempts.put(key, RunRecords.finished(current, e));
                    yield true;
                }
                case JournalEntry.RunFinished e -> {
                    if (run.status().isTerminal()) {
                        yield false;
                    }
                    run = RunRecords.finished(run, e);
                    yield true;
                }
                case JournalEntry.CancelRequested e -> {
                    if (run.status().isTerminal() || cancelRequested) {
                        yield false;
                    }
                    cancelRequested = true;
                    yield true;
                }
            };
        }

        StepAttempt attempt(AttemptKey key) {
            StepAttempt staged = attempts.get(key);
            return staged != null ? staged : state.attempts.get(key);
        }

        void publish() {
            state.run = run;
            state.cancelRequested = cancelRequested;
            state.attempts.putAll(attempts);
            state.events.addAll(events);
        }
    }
}
