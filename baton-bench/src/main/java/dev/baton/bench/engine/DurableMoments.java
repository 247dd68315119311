package dev.baton.bench.engine;

import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.RunStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RunStore} that passes every call to the real store and notes, right after {@link #append} returns
 * (the batch is committed: durable), when each {@code AttemptFinished} of the chain steps became durable, and the
 * engine's {@code at} of each {@code AttemptStarted}. It also counts appends (store transactions of the journal)
 * and entries, to report the group-commit batch size. Adds two {@code System.nanoTime()} calls and a map lookup
 * per entry; nothing else.
 */
final class DurableMoments extends ForwardingRunStore {
    private final ChainMoments moments;
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong creates = new AtomicLong();
    private final AtomicLong appendNanos = new AtomicLong();
    private final AtomicLong createNanos = new AtomicLong();

    DurableMoments(RunStore store, ChainMoments moments) {
        super(store);
        this.moments = moments;
    }

    @Override
    public Run create(Run run) {
        creates.incrementAndGet();
        long start = System.nanoTime();
        try {
            return super.create(run);
        } finally {
            createNanos.addAndGet(System.nanoTime() - start);
        }
    }

    /** The journal writer stores the runs of concurrent starts in one call (one transaction) per batch. */
    @Override
    public List<Run> createAll(List<Run> runs) {
        creates.incrementAndGet();
        long start = System.nanoTime();
        try {
            return super.createAll(runs);
        } finally {
            createNanos.addAndGet(System.nanoTime() - start);
        }
    }

    @Override
    public void append(List<JournalEntry> batch) {
        long start = System.nanoTime();
        super.append(batch);
        long nanos = System.nanoTime();
        appendNanos.addAndGet(nanos - start);
        long wallMicros = micros(Instant.now());
        appends.incrementAndGet();
        entries.addAndGet(batch.size());
        for (JournalEntry entry : batch) {
            switch (entry) {
                case JournalEntry.AttemptFinished finished -> {
                    ChainMoments.Run run = moments.of(finished.runId());
                    int step = ChainMoments.index(finished.stepId());
                    if (run != null && step >= 0) {
                        run.finishedDurableNanos.set(step, nanos);
                        run.finishedDurableWallMicros.set(step, wallMicros);
                    }
                }
                case JournalEntry.AttemptStarted started -> {
                    ChainMoments.Run run = moments.of(started.runId());
                    int step = ChainMoments.index(started.stepId());
                    if (run != null && step >= 0) {
                        run.startedAtWallMicros.set(step, micros(started.at()));
                    }
                }
                default -> {
                    // not part of the dispatch measure
                }
            }
        }
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** Journal transactions so far. */
    long appends() {
        return appends.get();
    }

    /** Journal entries so far. */
    long entries() {
        return entries.get();
    }

    /** Time spent in {@code append} so far (the journal writer is one thread: its busy time). */
    long appendNanos() {
        return appendNanos.get();
    }

    /** Time spent in {@code create}/{@code createAll} so far, summed over the calling threads. */
    long createNanos() {
        return createNanos.get();
    }

    /** {@code create}/{@code createAll} calls so far (one store transaction each). */
    long creates() {
        return creates.get();
    }
}
