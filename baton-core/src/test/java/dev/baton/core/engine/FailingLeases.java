package dev.baton.core.engine;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's view of the store's leases that fails with {@code STORE_UNAVAILABLE} while {@link #down} is set (a
 * store outage seen from that node), counts failed renewals, and records the store time of every {@code claimNext}
 * and of the first renewal after the outage.
 *
 * <p>A failed renewal is counted inside the store call, before the failure reaches the heartbeat: the heartbeat
 * records it and decides on self-fencing afterwards, reading its node's clock then. A test that moves the clock
 * after a failure waits for {@link #failedHeartbeatOver} first, else that decision sees the later time.
 */
final class FailingLeases implements RunLeases {
    private final RunLeases delegate;
    private final InstantSource storeClock;
    volatile boolean down;
    final AtomicInteger failedRenewals = new AtomicInteger();
    /** The thread of the last failed renewal: the heartbeat's (the engine runs each task on a thread of its own). */
    private volatile Thread lastFailedRenewal;
    /** Calls of {@code cancelRequested}: the last store call of a heartbeat whose renewal succeeded. */
    final AtomicInteger cancelChecks = new AtomicInteger();
    final List<Instant> claimNextCalls = new CopyOnWriteArrayList<>();
    /** The store time of the first successful renewal after a failed one, or {@code null}. */
    volatile Instant backAt;

    FailingLeases(RunLeases delegate, InstantSource storeClock) {
        this.delegate = delegate;
        this.storeClock = storeClock;
    }

    private void check() {
        if (down) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "the store is down (test)");
        }
    }

    @Override
    public Optional<Run> claim(String runId, String nodeId, Duration ttl) {
        check();
        return delegate.claim(runId, nodeId, ttl);
    }

    @Override
    public List<Run> claimNext(String nodeId, int limit, boolean includeQueued, Duration ttl) {
        check();
        claimNextCalls.add(storeClock.instant());
        return delegate.claimNext(nodeId, limit, includeQueued, ttl);
    }

    @Override
    public List<Run> claimQueued(String nodeId, int limit, Duration ttl) {
        check();
        return delegate.claimQueued(nodeId, limit, ttl);
    }

    @Override
    public Set<String> renew(String nodeId, Set<String> held, Duration ttl) {
        if (down) {
            lastFailedRenewal = Thread.currentThread(); // before the count: a test that sees the count sees the thread
            failedRenewals.incrementAndGet();
        }
        check();
        Set<String> lost = delegate.renew(nodeId, held, ttl);
        if (backAt == null && failedRenewals.get() > 0) {
            backAt = storeClock.instant();
        }
        return lost;
    }

    /**
     * Whether the heartbeat whose renewal failed last is over: the failure recorded, self-fencing decided (by the
     * node's clock as it stood then), and any renewal it owed to a beat that came meanwhile made.
     */
    boolean failedHeartbeatOver() {
        Thread heartbeat = lastFailedRenewal;
        return heartbeat != null && !heartbeat.isAlive();
    }

    @Override
    public void release(String nodeId, Collection<String> runIds) {
        check();
        delegate.release(nodeId, runIds);
    }

    @Override
    public long queuedRuns() {
        check();
        return delegate.queuedRuns();
    }

    @Override
    public Set<String> cancelRequested(String nodeId) {
        cancelChecks.incrementAndGet();
        check();
        return delegate.cancelRequested(nodeId);
    }
}
