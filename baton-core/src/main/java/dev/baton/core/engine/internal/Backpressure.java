package dev.baton.core.engine.internal;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.LoadShedding;
import dev.baton.core.error.BatonException;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a new top-level run may be accepted: {@code maxQueuedRuns} is the hard cap for every priority, and
 * {@link LoadShedding} refuses low-priority runs from its queue depth on. The queue is this node's admission queue
 * on a single node, and the cluster's ({@link RunLeases#queuedRuns()}: every unstarted top-level run in the store)
 * in a cluster, read at most every {@value #DEPTH_MAX_AGE_MILLIS} ms of engine time (one thread refreshes it, the
 * others use the value they find). Refusals are {@code RATE_LIMITED} with a {@code Retry-After} of
 * {@link #RETRY_AFTER}.
 *
 * <p>Thread-safe; no lock is held while the store is read.
 */
final class Backpressure {
    /** What refused callers are told to wait: long enough for a queue to move, short for a client. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final long DEPTH_MAX_AGE_MILLIS = 250;

    private final LoadShedding shedding;
    private final int maxQueued;
    private final Admission admission;
    private final RunLeases leases;
    private final EngineClock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile long depth;
    private volatile Instant depthAt;

    /** @param leases the cluster's leases, or {@code null} on a single node */
    Backpressure(LoadShedding shedding, int maxQueued, Admission admission, RunLeases leases, EngineClock clock) {
        this.shedding = shedding;
        this.maxQueued = maxQueued;
        this.admission = admission;
        this.leases = leases;
        this.clock = clock;
    }

    /**
     * Refuses a new top-level run of {@code priority} when the queue is full or sheds its priority.
     *
     * @throws BatonException RATE_LIMITED (with a retry-after) as above; STORE_UNAVAILABLE if the cluster's queue
     *                        depth cannot be read
     */
    void check(int priority) {
        long queued;
        if (leases == null) {
            admission.checkCapacity();
            queued = admission.queued();
        } else {
            queued = clusterDepth();
            if (queued >= maxQueued) {
                throw BatonException.rateLimited("the run queue is full (" + queued + " runs waiting in the cluster, "
                        + "at most " + maxQueued + "); retry later", RETRY_AFTER);
            }
        }
        if (shedding.sheds(queued, priority)) {
            throw BatonException.rateLimited("the run queue holds " + queued + " runs (load shedding from "
                    + shedding.queueDepth() + "): only runs of priority " + shedding.minPriority()
                    + " or more are accepted now, this one has priority " + priority + "; retry later", RETRY_AFTER);
        }
    }

    private long clusterDepth() {
        Instant now = clock.instant();
        Instant at = depthAt;
        boolean fresh = at != null && !now.isBefore(at) && Duration.between(at, now).toMillis() < DEPTH_MAX_AGE_MILLIS;
        if (fresh || !refreshing.compareAndSet(false, true)) {
            return at == null && !fresh ? readDepth(now) : depth;
        }
        try {
            return readDepth(now);
        } finally {
            refreshing.set(false);
        }
    }

    private long readDepth(Instant now) {
        long value = leases.queuedRuns();
        depth = value;
        depthAt = now;
        return value;
    }
}
