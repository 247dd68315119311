package dev.baton.core.store;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link RunLeases} of an {@link InMemoryRunStore}: the lease owner and expiry live in the store's run records,
 * times come from the store's lease clock, and every operation takes the store's write lock, so concurrent claims
 * are disjoint (what {@code FOR UPDATE SKIP LOCKED} gives a database). Obtain it with
 * {@link InMemoryRunStore#leases()}.
 *
 * <p>Thread-safe; no method blocks on anything but the store's lock.
 */
final class InMemoryRunLeases implements RunLeases {
    /** Orphans by expiry (released runs, without one, first), then the queue's order. */
    private static final Comparator<RunState> ORPHAN_ORDER = Comparator
            .comparing((RunState s) -> s.leaseExpiresAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.run.createdAt()).thenComparing(s -> s.run.id());
    /** Higher priority first, then older first. */
    private static final Comparator<RunState> QUEUE_ORDER = Comparator
            .comparingInt((RunState s) -> -s.run.priority())
            .thenComparing(s -> s.run.createdAt()).thenComparing(s -> s.run.id());

    private final InMemoryRunStore store;

    InMemoryRunLeases(InMemoryRunStore store) {
        this.store = store;
    }

    @Override
    public Optional<Run> claim(String runId, String nodeId, Duration ttl) {
        Objects.requireNonNull(runId, "runId");
        checkNode(nodeId);
        checkTtl(ttl);
        store.lock().writeLock().lock();
        try {
            RunState state = store.state(runId);
            Instant now = store.leaseClock().instant();
            if (state == null || !claimable(state, nodeId, now)) {
                return Optional.empty();
            }
            take(state, nodeId, now, ttl);
            return Optional.of(state.run);
        } finally {
            store.lock().writeLock().unlock();
        }
    }

    @Override
    public List<Run> claimNext(String nodeId, int limit, boolean includeQueued, Duration ttl) {
        checkNode(nodeId);
        checkTtl(ttl);
        if (limit < 1) {
            throw BatonException.invalidInput("limit", "must be >= 1, got " + limit);
        }
        store.lock().writeLock().lock();
        try {
            Instant now = store.leaseClock().instant();
            List<RunState> orphans = new ArrayList<>();
            List<RunState> queued = new ArrayList<>();
            for (RunState state : store.states()) {
                // The node's own expired leases are orphans too (as in SQL): a slip it never renewed.
                if (state.run.status().isTerminal()
                        || nodeId.equals(state.leaseOwner) && state.leaseExpiresAt.isAfter(now)) {
                    continue;
                }
                boolean running = state.run.status() == RunStatus.RUNNING;
                // children bypass admission: queued ones are claimable whatever the free slots
                boolean queuedOk = includeQueued || state.run.parentRunId() != null;
                if (state.leaseOwner == null ? running : !state.leaseExpiresAt.isAfter(now)) {
                    if (running || queuedOk) {
                        orphans.add(state);
                    }
                } else if (queuedOk && state.leaseOwner == null) {
                    queued.add(state);
                }
            }
            orphans.sort(ORPHAN_ORDER);
            queued.sort(QUEUE_ORDER);
            List<Run> claimed = new ArrayList<>();
            for (List<RunState> group : List.of(orphans, queued)) {
                for (RunState state : group) {
                    if (claimed.size() == limit) {
                        return claimed;
                    }
                    take(state, nodeId, now, ttl);
                    claimed.add(state.run);
                }
            }
            return claimed;
        } finally {
            store.lock().writeLock().unlock();
        }
    }

    @Override
    public List<Run> claimQueued(String nodeId, int limit, Duration ttl) {
        checkNode(nodeId);
        checkTtl(ttl);
        if (limit < 1) {
            throw BatonException.invalidInput("limit", "must be >= 1, got " + limit);
        }
        store.lock().writeLock().lock();
        try {
            Instant now = store.leaseClock().instant();
            List<RunState> queued = store.states().stream()
                    .filter(state -> state.run.status() == RunStatus.QUEUED && state.leaseOwner == null)
                    .sorted(QUEUE_ORDER).limit(limit).toList();
            List<Run> claimed = new ArrayList<>();
            for (RunState state : queued) {
                take(state, nodeId, now, ttl);
                claimed.add(state.run);
            }
            return claimed;
        } finally {
            store.lock().writeLock().unlock();
        }
    }

    @Override
    public Set<String> renew(String nodeId, Set<String> held, Duration ttl) {
        checkNode(nodeId);
        checkTtl(ttl);
        Objects.requireNonNull(held, "held");
        store.lock().writeLock().lock();
        try {
            Instant expiry = store.leaseClock().instant().plus(ttl);
            Set<String> lost = new HashSet<>();
            for (String runId : held) {
                RunState state = store.state(runId);
                if (state == null || state.run.status().isTerminal() || !nodeId.equals(state.leaseOwner)) {
                    lost.add(runId);
                } else {
                    state.leaseExpiresAt = expiry;
                }
            }
            return lost;
        } finally {
            store.lock().writeLock().unlock();
        }
    }

    @Override
    public void release(String nodeId, Collection<String> runIds) {
        checkNode(nodeId);
        store.lock().writeLock().lock();
        try {
            for (String runId : runIds) {
                RunState state = store.state(runId);
                if (state != null && nodeId.equals(state.leaseOwner) && !state.run.status().isTerminal()) {
                    state.leaseOwner = null;
                    state.leaseExpiresAt = null;
                }
            }
        } finally {
            store.lock().writeLock().unlock();
        }
    }

    @Override
    public long queuedRuns() {
        store.lock().readLock().lock();
        try {
            return store.states().stream()
                    .filter(s -> s.run.status() == RunStatus.QUEUED && s.leaseOwner == null
                            && s.run.parentRunId() == null).count();
        } finally {
            store.lock().readLock().unlock();
        }
    }

    @Override
    public Set<String> cancelRequested(String nodeId) {
        checkNode(nodeId);
        store.lock().readLock().lock();
        try {
            Set<String> result = new HashSet<>();
            for (RunState state : store.states()) {
                if (state.cancelRequested && nodeId.equals(state.leaseOwner) && !state.run.status().isTerminal()) {
                    result.add(state.run.id());
                }
            }
            return result;
        } finally {
            store.lock().readLock().unlock();
        }
    }

    private static boolean claimable(RunState state, String nodeId, Instant now) {
        return !state.run.status().isTerminal() && (state.leaseOwner == null || nodeId.equals(state.leaseOwner)
                || !state.leaseExpiresAt.isAfter(now));
    }

    private static void take(RunState state, String nodeId, Instant now, Duration ttl) {
        state.leaseOwner = nodeId;
        state.leaseExpiresAt = now.plus(ttl);
    }

    private static void checkNode(String nodeId) {
        if (nodeId == null || nodeId.isEmpty() || nodeId.length() > 64) {
            throw BatonException.invalidInput("nodeId", "must be 1..64 characters, got "
                    + (nodeId == null ? "null" : "'" + nodeId + "'"));
        }
    }

    private static void checkTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw BatonException.invalidInput("ttl", "must be > 0, got " + ttl);
        }
    }
}
