package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.Page;
import dev.baton.core.store.RunQuery;

import java.util.List;
import java.util.Optional;

/**
 * An in-memory store whose reads can be made to fail (as a connection pool that is exhausted for 30 s does) and
 * that can refuse {@code RunFinished} entries (non-retriable). Records every append it accepted.
 */
final class FaultyStore extends ForwardingRunStore {
    /** The store behind the faults: reads through it never fail. */
    final InMemoryRunStore delegate;
    volatile boolean readsFail;
    volatile boolean refuseRunFinished;
    /** Every append, in order. */
    final List<List<JournalEntry>> appends = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The runs of every createAll call, in order. */
    final List<List<Run>> creations = new java.util.concurrent.CopyOnWriteArrayList<>();

    FaultyStore() {
        this(new InMemoryRunStore());
    }

    private FaultyStore(InMemoryRunStore delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    private void read() {
        if (readsFail) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "no database connection available in 30 s");
        }
    }

    @Override
    public List<Run> createAll(List<Run> runs) {
        creations.add(List.copyOf(runs));
        return super.createAll(runs);
    }

    @Override
    public void append(List<JournalEntry> entries) {
        if (refuseRunFinished && entries.stream().anyMatch(e -> e instanceof JournalEntry.RunFinished)) {
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "outputs too large to store");
        }
        super.append(entries);
        appends.add(List.copyOf(entries));
    }

    @Override
    public Optional<Run> find(String tenantId, String runId) {
        read();
        return super.find(tenantId, runId);
    }

    @Override
    public Optional<Run> findByIdempotencyKey(String tenantId, String idempotencyKey) {
        read();
        return super.findByIdempotencyKey(tenantId, idempotencyKey);
    }

    @Override
    public List<StepAttempt> attempts(String runId) {
        read();
        return super.attempts(runId);
    }

    @Override
    public Page<Run> list(String tenantId, RunQuery query) {
        read();
        return super.list(tenantId, query);
    }

    @Override
    public List<Run> unfinished() {
        read();
        return super.unfinished();
    }

    @Override
    public List<RunEvent> events(String runId, long afterSequence, int limit) {
        read();
        return super.events(runId, afterSequence, limit);
    }
}
