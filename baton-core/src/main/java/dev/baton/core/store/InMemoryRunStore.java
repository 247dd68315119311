package dev.baton.core.store;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.store.RunState.Staged;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link RunStore} held in memory: for tests, benchmarks and ephemeral use. Nothing survives the JVM.
 *
 * <p>Semantics are those of every store (see {@code RunStoreContract}):
 * <ul>
 *   <li>{@link #create} returns the existing run for a known (tenant, idempotency key) and also for a known run
 *       id, so a retried create is harmless.</li>
 *   <li>{@link #append} applies entries in order, all or none. An entry that changes nothing is a no-op and is
 *       not journaled again: {@code RunStarted} only moves a {@code QUEUED} run, {@code AttemptStarted} only
 *       records an attempt not yet recorded, {@code AttemptFinished} only finishes an attempt that is absent
 *       (a skipped step) or running, {@code RunFinished} only finishes a non-terminal run and
 *       {@code CancelRequested} is journaled once per non-terminal run. Every applied entry becomes the run's
 *       next event (sequence 1, 2, ...).</li>
 * </ul>
 *
 * <p>It also holds run leases ({@link #leases()}), so that several engines in one JVM can share it as the nodes of a
 * cluster (tests): each run keeps its lease owner and expiry, lease times come from the store's own clock (an
 * injected {@link InstantSource}, as a database's {@code now()}), and {@link #append(List, String)} is fenced by
 * them.
 *
 * <p>Thread-safe: writes take a write lock (no I/O happens under it), reads a read lock, so readers never see
 * half of an {@code append}. JSON values are deep-copied when written; values returned must not be mutated.
 */
public final class InMemoryRunStore implements RunStore {

    /** Newest first: createdAt desc, then id desc. */
    private static final Comparator<RunCursor> NEWEST_FIRST =
            Comparator.comparing(RunCursor::createdAt).thenComparing(RunCursor::id).reversed();

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, RunState> runs = new HashMap<>();
    private final Map<TenantKey, String> idempotencyKeys = new HashMap<>();
    private final Map<String, NavigableMap<RunCursor, RunState>> byTenant = new HashMap<>();
    private final InstantSource leaseClock;
    private final InMemoryRunLeases leases;

    /** Creates an empty store whose leases run on the system clock. */
    public InMemoryRunStore() {
        this(InstantSource.system());
    }

    /**
     * Creates an empty store whose leases run on {@code leaseClock} (the store's time, as a database's
     * {@code now()}; tests pass a clock they move).
     */
    public InMemoryRunStore(InstantSource leaseClock) {
        this.leaseClock = Objects.requireNonNull(leaseClock, "leaseClock");
        this.leases = new InMemoryRunLeases(this);
    }

    /** The leases on this store's runs, for the engines sharing it as one cluster. */
    public RunLeases leases() {
        return leases;
    }

    @Override
    public Run create(Run run) {
        Objects.requireNonNull(run, "run");
        lock.writeLock().lock();
        try {
            RunState existing = runs.get(run.id());
            if (existing != null) {
                return existing.run;
            }
            if (run.idempotencyKey() != null) {
                String existingId = idempotencyKeys.get(new TenantKey(run.tenantId(), run.idempotencyKey()));
                if (existingId != null) {
                    return runs.get(existingId).run;
                }
            }
            Run stored = copyJson(run);
            RunState state = new RunState(stored);
            runs.put(stored.id(), state);
            if (stored.idempotencyKey() != null) {
                idempotencyKeys.put(new TenantKey(stored.tenantId(), stored.idempotencyKey()), stored.id());
            }
            byTenant.computeIfAbsent(stored.tenantId(), t -> new TreeMap<>(NEWEST_FIRST))
                    .put(RunCursor.after(stored), state);
            return stored;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void append(List<JournalEntry> entries) {
        append(entries, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>With a {@code null} node id nothing is fenced ({@link #append(List)}).
     */
    @Override
    public void append(List<JournalEntry> entries, String nodeId) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            if (nodeId != null) {
                fence(entries, nodeId);
            }
            // All or none: check every run first, then apply against staged copies, then publish.
            Map<String, Staged> staged = new LinkedHashMap<>();
            for (JournalEntry entry : entries) {
                Objects.requireNonNull(entry, "entry");
                if (!staged.containsKey(entry.runId())) {
                    RunState state = runs.get(entry.runId());
                    if (state == null) {
                        throw BatonException.notFound("run", entry.runId());
                    }
                    staged.put(entry.runId(), new Staged(state));
                }
            }
            for (JournalEntry entry : entries) {
                staged.get(entry.runId()).record(entry);
            }
            for (Staged s : staged.values()) {
                s.publish();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Refuses the call if an entry (other than a cancel request) belongs to a run leased to another node. */
    private void fence(List<JournalEntry> entries, String nodeId) {
        for (JournalEntry entry : entries) {
            if (entry instanceof JournalEntry.CancelRequested) {
                continue;
            }
            RunState state = runs.get(entry.runId());
            if (state != null && state.leaseOwner != null && !state.leaseOwner.equals(nodeId)) {
                throw new BatonException(ErrorCode.LEASE_LOST, "run " + entry.runId() + " is leased to node '"
                        + state.leaseOwner + "', not to '" + nodeId + "'");
            }
        }
    }

    @Override
    public Optional<Run> find(String tenantId, String runId) {
        lock.readLock().lock();
        try {
            RunState state = runs.get(runId);
            return state == null || !state.run.tenantId().equals(tenantId) ? Optional.empty() : Optional.of(state.run);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<Run> findByIdempotencyKey(String tenantId, String idempotencyKey) {
        lock.readLock().lock();
        try {
            String id = idempotencyKeys.get(new TenantKey(tenantId, idempotencyKey));
            return id == null ? Optional.empty() : Optional.of(runs.get(id).run);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<StepAttempt> attempts(String runId) {
        lock.readLock().lock();
        try {
            RunState state = runs.get(runId);
            if (state == null) {
                return List.of();
            }
            List<StepAttempt> result = new ArrayList<>(state.attempts.values());
            result.sort(RunRecords.ATTEMPT_ORDER);
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Page<Run> list(String tenantId, RunQuery query) {
        Objects.requireNonNull(query, "query");
        RunCursor cursor = query.cursor() == null ? null : RunCursor.decode(query.cursor());
        lock.readLock().lock();
        try {
            NavigableMap<RunCursor, RunState> all = byTenant.get(tenantId);
            if (all == null) {
                return new Page<>(List.of(), null);
            }
            NavigableMap<RunCursor, RunState> from = cursor == null ? all : all.tailMap(cursor, false);
            List<Run> items = new ArrayList<>(Math.min(query.limit(), 64));
            for (RunState state : from.values()) {
                Run run = state.run;
                if (!RunRecords.matches(run, query)) {
                    continue;
                }
                if (items.size() == query.limit()) {
                    return new Page<>(items, RunCursor.after(items.getLast()).encode());
                }
                items.add(run);
            }
            return new Page<>(items, null);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Run> unfinished() {
        lock.readLock().lock();
        try {
            List<Run> result = new ArrayList<>();
            for (RunState state : runs.values()) {
                if (!state.run.status().isTerminal()) {
                    result.add(state.run);
                }
            }
            result.sort(Comparator.comparing(Run::createdAt).thenComparing(Run::id));
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<RunEvent> events(String runId, long afterSequence, int limit) {
        RunRecords.checkEventsArguments(afterSequence, limit);
        lock.readLock().lock();
        try {
            RunState state = runs.get(runId);
            if (state == null || afterSequence >= state.events.size()) {
                return List.of();
            }
            int from = (int) afterSequence;
            int to = (int) Math.min(state.events.size(), from + (long) limit);
            return List.copyOf(state.events.subList(from, to));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The tenant's runs created in {@code [from, to)} that pass {@code filter}, newest first, each with its attempts
     * when asked: for {@link InMemoryRunAnalytics}.
     *
     * <p>The read lock is held only to pick the window's runs out of the tenant's index (references, no copies) and
     * then, run by run, to read one run with its attempts; {@code filter} runs outside it. So journal writes wait at
     * most for one run's attempts to be copied, never for a whole window. Each run is consistent with its attempts;
     * runs written while the snapshot is taken may show their earlier or later state (fine for analytics, which
     * describe a moving store anyway). The cost stays linear in the window: this store is for tests, benchmarks
     * and single-node trials, not for large histories.
     */
    List<RunRecord> snapshot(String tenantId, Instant from, Instant to, Predicate<Run> filter, boolean withAttempts) {
        List<RunState> window;
        lock.readLock().lock();
        try {
            NavigableMap<RunCursor, RunState> all = byTenant.get(tenantId);
            if (all == null) {
                return List.of();
            }
            // Newest first: an empty id sorts after every run created at the same instant.
            window = new ArrayList<>(all.subMap(new RunCursor(to, ""), false, new RunCursor(from, ""), false)
                    .values());
        } finally {
            lock.readLock().unlock();
        }
        List<RunRecord> result = new ArrayList<>();
        for (RunState state : window) {
            RunRecord record = withAttempts ? read(state) : new RunRecord(current(state), List.of());
            if (filter.test(record.run())) {
                result.add(record);
            }
        }
        return result;
    }

    /** One run's current record without its attempts. */
    private Run current(RunState state) {
        lock.readLock().lock();
        try {
            return state.run;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** One run's current record with a copy of its attempts, read together. */
    private RunRecord read(RunState state) {
        lock.readLock().lock();
        try {
            return new RunRecord(state.run, List.copyOf(state.attempts.values()));
        } finally {
            lock.readLock().unlock();
        }
    }

    // --- for InMemoryRunLeases ----------------------------------------------------------------------------------

    ReadWriteLock lock() {
        return lock;
    }

    InstantSource leaseClock() {
        return leaseClock;
    }

    /** The state of a run, or {@code null}; under the lock. */
    RunState state(String runId) {
        return runs.get(runId);
    }

    /** Every run's state; under the lock. */
    java.util.Collection<RunState> states() {
        return runs.values();
    }

    /** A run with its attempts (in no particular order). */
    record RunRecord(Run run, List<StepAttempt> attempts) {
    }

    private static Run copyJson(Run run) {
        return new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(), run.status(),
                run.priority(), RunRecords.copy(run.inputs()), RunRecords.copy(run.outputs()), run.error(),
                run.idempotencyKey(), run.parentRunId(), run.parentStepId(), run.createdAt(), run.startedAt(),
                run.finishedAt(), run.traceParent());
    }

    private record TenantKey(String tenantId, String key) {
    }
}
