package dev.baton.core.engine.internal;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.StepAttempt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One run's view of the {@link Journal}: appends go to the shared journal, and once durable they are applied to an
 * in-memory copy of the run's attempts, with the store's rules ({@code AttemptStarted} records an attempt not yet
 * recorded, {@code AttemptFinished} finishes one that is running or not recorded, never a finished one). So when
 * {@code RunFinished} is durable the engine knows the run's final {@link StepAttempt}s without reading them back
 * from the store.
 *
 * <p>Once the run is let go of ({@code letGo}: its lease lost, the node drained), nothing more of it is journaled:
 * appends fail with {@code LEASE_LOST} at once, and entries already queued are dropped by the journal's writer
 * before its next store call. So a late handler result, timer, map item or child-run completion of an abandoned
 * coordinator never reaches the store, even once this node holds the run's lease again.
 *
 * <p>Thread-safe: durable batches are applied on the journal writer thread, in commit order, before the caller's
 * continuations run; {@link #attempts()} may be called from any thread.
 */
final class RunJournal {
    /** The order of {@link dev.baton.core.store.RunStore#attempts}: start time, step id, attempt number. */
    static final Comparator<StepAttempt> ATTEMPT_ORDER = Comparator.comparing(StepAttempt::startedAt)
            .thenComparing(StepAttempt::stepId)
            .thenComparingInt(StepAttempt::attempt);

    private final Journal journal;
    private final BooleanSupplier letGo;
    private final BooleanSupplier stillOwned;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, StepAttempt> attempts = new HashMap<>();

    /** @param letGo whether this node let go of the run (checked before queuing and before writing) */
    RunJournal(Journal journal, BooleanSupplier letGo) {
        this.journal = journal;
        this.letGo = letGo;
        this.stillOwned = () -> !letGo.getAsBoolean();
    }

    /** Queues one entry; the future completes when it is durable (and applied here). */
    CompletableFuture<Void> append(JournalEntry entry) {
        return append(List.of(entry));
    }

    /** Queues entries that must be written in the same transaction. */
    CompletableFuture<Void> append(List<JournalEntry> entries) {
        if (letGo.getAsBoolean()) {
            return CompletableFuture.failedFuture(Journal.letGo(entries));
        }
        return journal.append(entries, stillOwned).thenRun(() -> apply(entries));
    }

    /** Starts from the attempts a previous process journaled (on resume). */
    void seed(List<StepAttempt> recorded) {
        lock.lock();
        try {
            recorded.forEach(a -> attempts.put(key(a.stepId(), a.attempt()), a));
        } finally {
            lock.unlock();
        }
    }

    /** The run's attempts as durable so far, in the store's order. */
    List<StepAttempt> attempts() {
        List<StepAttempt> copy;
        lock.lock();
        try {
            copy = new ArrayList<>(attempts.values());
        } finally {
            lock.unlock();
        }
        copy.sort(ATTEMPT_ORDER);
        return copy;
    }

    private void apply(List<JournalEntry> entries) {
        lock.lock();
        try {
            for (JournalEntry entry : entries) {
                switch (entry) {
                    case JournalEntry.AttemptStarted s -> attempts.putIfAbsent(key(s.stepId(), s.attempt()),
                            new StepAttempt(s.runId(), s.stepId(), s.attempt(), AttemptStatus.RUNNING, s.input(), null,
                                    null, s.at(), null));
                    case JournalEntry.AttemptFinished f -> attempts.compute(key(f.stepId(), f.attempt()),
                            (k, current) -> finished(current, f));
                    case JournalEntry.RunStarted ignored -> { }
                    case JournalEntry.RunFinished ignored -> { }
                    case JournalEntry.CancelRequested ignored -> { }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static StepAttempt finished(StepAttempt current, JournalEntry.AttemptFinished e) {
        if (current != null && current.status().isTerminal()) {
            return current;
        }
        return new StepAttempt(e.runId(), e.stepId(), e.attempt(), e.status(),
                current == null ? null : current.input(), e.output(), e.error(),
                current == null ? e.at() : current.startedAt(), e.at());
    }

    private static String key(String stepId, int attempt) {
        return stepId + '\u0000' + attempt;
    }
}
