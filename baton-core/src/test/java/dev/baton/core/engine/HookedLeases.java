package dev.baton.core.engine;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's view of the store's leases with hooks: the {@link #failClaim}-th {@code claim} call fails with
 * {@code STORE_UNAVAILABLE} (a blip), a {@code claimNext} that claimed a run can be held before it returns (to race
 * the claim loop), and runs can be reported lost by {@code renew}.
 */
final class HookedLeases implements RunLeases {
    private final RunLeases delegate;
    private final AtomicInteger claims = new AtomicInteger();
    /** The number (1, 2, ...) of the {@code claim} call that fails, or 0. */
    volatile int failClaim;
    /** The number (1, 2, ...) of the {@code claim} call that claims at the store, then fails (a lost answer), or 0. */
    volatile int failAfterClaim;
    /** Runs the next renewals report lost (as if another node held them). */
    final Set<String> reportLost = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch holdRelease;
    private volatile CountDownLatch release = new CountDownLatch(0);
    /** Counted down when a held {@code claimNext} has claimed its runs and waits. */
    volatile CountDownLatch held = new CountDownLatch(1);

    HookedLeases(RunLeases delegate) {
        this.delegate = delegate;
    }

    /** The next {@code claimNext} that claims a run waits, after claiming, until {@link #releaseHeld}. */
    void holdNextClaim() {
        held = new CountDownLatch(1);
        release = new CountDownLatch(1);
        holdRelease = release;
    }

    /** How many {@code claim} calls were made. */
    int claimCalls() {
        return claims.get();
    }

    void releaseHeld() {
        release.countDown();
    }

    @Override
    public Optional<Run> claim(String runId, String nodeId, Duration ttl) {
        if (claims.incrementAndGet() == failClaim) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "the store blinked (test)");
        }
        Optional<Run> claimed = delegate.claim(runId, nodeId, ttl);
        if (claims.get() == failAfterClaim) {
            throw new BatonException(ErrorCode.STORE_UNAVAILABLE, "the store's answer was lost (test)");
        }
        return claimed;
    }

    @Override
    public List<Run> claimNext(String nodeId, int limit, boolean includeQueued, Duration ttl) {
        List<Run> claimed = delegate.claimNext(nodeId, limit, includeQueued, ttl);
        CountDownLatch release = holdRelease;
        if (!claimed.isEmpty() && release != null) {
            holdRelease = null;
            held.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the held claim was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return claimed;
    }

    @Override
    public List<Run> claimQueued(String nodeId, int limit, Duration ttl) {
        return delegate.claimQueued(nodeId, limit, ttl);
    }

    @Override
    public Set<String> renew(String nodeId, Set<String> held, Duration ttl) {
        Set<String> lost = new HashSet<>(delegate.renew(nodeId, held, ttl));
        held.stream().filter(reportLost::contains).forEach(lost::add);
        return lost;
    }

    @Override
    public void release(String nodeId, Collection<String> runIds) {
        delegate.release(nodeId, runIds);
    }

    @Override
    public long queuedRuns() {
        return delegate.queuedRuns();
    }

    @Override
    public Set<String> cancelRequested(String nodeId) {
        return delegate.cancelRequested(nodeId);
    }
}
