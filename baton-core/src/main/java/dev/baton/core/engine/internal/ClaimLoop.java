package dev.baton.core.engine.internal;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cluster node's claims of runs nobody holds, on one virtual thread. It wakes on a {@code WorkAvailable} signal,
 * when a run of this node finishes (a slot is free) while more runs may be queued, and on every poll; then it
 * claims in batches ({@link RunLeases#claimNext}): as many queued runs as it has free admission slots (reserved
 * before the claim, so concurrent starts cannot overfill them), and orphans of nodes that died and queued child runs
 * even with no slot free (orphans were running already; children bypass admission, their parents hold slots). In the
 * quiet period after a store outage ({@link StoreOutage}) it claims only unowned queued runs.
 *
 * <p>"More may be queued" avoids a claim query per finished run when the store's queue is empty: it is set by
 * {@code WorkAvailable} and by a full batch, cleared by a batch that came back short; the poll claims regardless
 * (it covers lost signals and expired leases).
 *
 * <p>Thread-safety: the wake-up methods may be called from any thread and never block.
 */
final class ClaimLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimLoop.class);

    private final ClusterMember member;
    private final Admission admission;
    private final RunLeases leases;
    private final ClusterSettings settings;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean moreQueued = new AtomicBoolean(true);
    private final AtomicBoolean pollDue = new AtomicBoolean(true);
    /** Held while claiming (and adopting) a batch, so that a drain can wait until no claim is under way. */
    private final ReentrantLock claiming = new ReentrantLock();
    private volatile boolean stopped;

    ClaimLoop(ClusterMember member, Admission admission, RunLeases leases, ClusterSettings settings) {
        this.member = member;
        this.admission = admission;
        this.leases = leases;
        this.settings = settings;
    }

    void start() {
        Thread.ofVirtual().name("baton-claims-" + settings.nodeId()).start(this::loop);
    }

    /** New work may be claimable. */
    void workAvailable() {
        moreQueued.set(true);
        wake.release();
    }

    /** The poll is due: claim whatever is claimable. */
    void poll() {
        pollDue.set(true);
        wake.release();
    }

    /** A run of this node finished: take the next queued one, if any may be queued. */
    void slotFreed() {
        if (moreQueued.get()) {
            wake.release();
        }
    }

    /** Stops claiming (drain, close); runs claimed already are kept. */
    void stop() {
        stopped = true;
        wake.release();
    }

    /**
     * Stops claiming and waits until a claim under way has adopted its batch (drain), for at most one
     * {@code leaseTtl} (a claim slower than that hangs on the store; its leases expire anyway).
     */
    void stopAndAwaitIdle() {
        stop();
        try {
            if (claiming.tryLock(settings.leaseTtl().toNanos(), TimeUnit.NANOSECONDS)) {
                claiming.unlock();
            } else {
                LOG.warn("node {}: a claim under way did not end within {}; draining without it", settings.nodeId(),
                        settings.leaseTtl());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (!stopped) {
            try {
                wake.acquire();
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            try {
                claim(pollDue.getAndSet(false));
            } catch (RuntimeException | Error e) {
                LOG.error("claiming runs failed", e);
            }
        }
    }

    /**
     * Claims in batches until a batch comes back short (on the calling thread).
     *
     * @param everything whether to look for queued runs even when none is known to wait (poll, resume)
     * @return how many runs it claimed
     */
    int claim(boolean everything) {
        claiming.lock();
        try {
            return claimBatches(everything);
        } finally {
            claiming.unlock();
        }
    }

    private int claimBatches(boolean everything) {
        int total = 0;
        while (!stopped) {
            // right after a store outage, other nodes' expired leases wait (their owners renew first); the queue not
            boolean takeOver = member.mayTakeOver();
            int reserved = admission.reserve(settings.claimBatch());
            boolean includeQueued = reserved > 0 && (everything || moreQueued.get());
            if (!includeQueued) {
                admission.unreserve(reserved);
                reserved = 0;
                if (!takeOver) {
                    return total;
                }
            }
            // without a free slot: orphans and queued children (they bypass admission), one at a time
            int limit = includeQueued ? reserved : 1;
            List<Run> claimed;
            try {
                member.claimingBatch();
                claimed = takeOver ? leases.claimNext(settings.nodeId(), limit, includeQueued, settings.leaseTtl())
                        : leases.claimQueued(settings.nodeId(), limit, settings.leaseTtl());
            } catch (BatonException e) {
                admission.unreserve(reserved);
                member.claimFailed("claiming runs", e);
                return total;
            }
            for (Run run : claimed) {
                if (member.adopt(run, reserved > 0 && run.parentRunId() == null)) {
                    reserved--;
                }
            }
            admission.unreserve(reserved);
            total += claimed.size();
            boolean full = claimed.size() == limit;
            if (includeQueued) {
                moreQueued.set(full);
            }
            if (!full) {
                return total;
            }
        }
        return total;
    }
}
