package dev.baton.core.store;

import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.StepAttempt;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RunStore} that forwards every call, including {@link #createAll}, to a delegate store. Extend it to
 * observe or alter some calls (fault injection, metrics, timing) and override only those; the rest keep the
 * delegate's behaviour, so a wrapper never falls back to {@link RunStore}'s default methods by accident.
 *
 * <p>Thread-safe if the delegate is and the subclass's overrides are. Errors are the delegate's.
 */
public abstract class ForwardingRunStore implements RunStore {
    private final RunStore delegate;

    /**
     * @param delegate the store every call goes to; not null
     */
    protected ForwardingRunStore(RunStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store every call is forwarded to. */
    protected RunStore delegate() {
        return delegate;
    }

    @Override
    public Run create(Run run) {
        return delegate.create(run);
    }

    @Override
    public List<Run> createAll(List<Run> runs) {
        return delegate.createAll(runs);
    }

    @Override
    public void append(List<JournalEntry> entries) {
        delegate.append(entries);
    }

    @Override
    public void append(List<JournalEntry> entries, String nodeId) {
        delegate.append(entries, nodeId);
    }

    @Override
    public Optional<Run> find(String tenantId, String runId) {
        return delegate.find(tenantId, runId);
    }

    @Override
    public Optional<Run> findByIdempotencyKey(String tenantId, String idempotencyKey) {
        return delegate.findByIdempotencyKey(tenantId, idempotencyKey);
    }

    @Override
    public List<StepAttempt> attempts(String runId) {
        return delegate.attempts(runId);
    }

    @Override
    public Page<Run> list(String tenantId, RunQuery query) {
        return delegate.list(tenantId, query);
    }

    @Override
    public List<Run> unfinished() {
        return delegate.unfinished();
    }

    @Override
    public List<RunEvent> events(String runId, long afterSequence, int limit) {
        return delegate.events(runId, afterSequence, limit);
    }
}
