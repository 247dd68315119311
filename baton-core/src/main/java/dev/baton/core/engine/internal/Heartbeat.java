package dev.baton.core.engine.internal;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.error.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster node's heartbeat, every {@code heartbeatInterval} ({@link ClusterMember} schedules it): one
 * {@link RunLeases#renew} of every owned run; runs reported lost are abandoned (nothing journaled, waiters kept),
 * except runs that are finishing (their {@code RunFinished} became durable after the owned runs were listed); cancels
 * journaled by other nodes whose signal was lost are handed to their coordinators. Renewal failures feed
 * {@link StoreOutage}, which may make the node fence itself: abandon all its runs.
 *
 * <p>Thread-safety: {@link #beat} may be called from any thread; one renewal runs at a time. A beat that finds one
 * under way checks self-fencing (a hung renewal) and is not lost: the beat under way renews once more when it is
 * done, so a slow renewal delays the next one instead of skipping a whole interval.
 */
final class Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ClusterSettings settings;
    private final RunLeases leases;
    private final RunOwnership ownership;
    private final StoreOutage outage;
    private final AtomicBoolean heartbeatRunning = new AtomicBoolean();
    /** A beat came while one was under way: the one under way renews once more when it is done. */
    private final AtomicBoolean beatAgain = new AtomicBoolean();
    /** Owned runs whose cancel request (found by the heartbeat) was handed to their coordinator. */
    private final Set<String> cancelsHandled = ConcurrentHashMap.newKeySet();

    Heartbeat(ClusterSettings settings, RunLeases leases, RunOwnership ownership, StoreOutage outage) {
        this.settings = settings;
        this.leases = leases;
        this.ownership = ownership;
        this.outage = outage;
    }

    /** Whether this node may take runs of other nodes now (not right after a store outage). */
    boolean mayTakeOver() {
        return outage.mayTakeOver();
    }

    /**
     * One heartbeat (on the executor): one renewal, then lost runs and missed cancels. Self-fencing is decided only
     * once this beat's own renewal failed (or a later beat finds it hung): a failure before it is no reason, the
     * store may answer again now.
     */
    void beat() {
        if (!heartbeatRunning.compareAndSet(false, true)) {
            beatAgain.set(true); // not lost: the beat under way runs once more when it is done
            if (outage.mustSelfFence(true)) { // a renewal hangs (a partition without a reset)
                selfFence();
            }
            return;
        }
        do {
            try {
                beatOnce();
            } finally {
                heartbeatRunning.set(false);
            }
        } while (beatAgain.getAndSet(false) && heartbeatRunning.compareAndSet(false, true));
    }

    private void beatOnce() {
        try {
            Instant issuedAt = outage.renewing();
            Set<String> lost;
            try {
                lost = leases.renew(settings.nodeId(), ownership.ownedIds(), settings.leaseTtl());
            } catch (BatonException e) {
                outage.renewFailed(e);
                if (outage.mustSelfFence(false)) {
                    selfFence();
                }
                return;
            }
            outage.renewed(issuedAt);
            onRenewLost(lost);
            handleCancels();
        } catch (RuntimeException e) {
            LOG.error("heartbeat of node {} failed", settings.nodeId(), e);
        }
    }

    /**
     * Cancels owned runs whose cancel request reached the store but whose signal did not reach this node. A failure
     * only logs: it says nothing about this node's leases (the next beat looks again).
     */
    private void handleCancels() {
        Set<String> requested;
        try {
            requested = leases.cancelRequested(settings.nodeId());
        } catch (BatonException e) {
            LOG.warn("node {}: looking up cancel requests failed: {}", settings.nodeId(), e.getMessage());
            return;
        }
        cancelsHandled.retainAll(requested);
        for (String runId : requested) {
            if (!cancelsHandled.contains(runId) && ownership.ownsId(runId)) {
                String reason = ownership.cancelRequest(runId).orElse(null);
                if (ownership.cancelIfOwned(runId, reason == null || reason.isEmpty() ? null : reason)) {
                    cancelsHandled.add(runId);
                }
            }
        }
    }

    /** Runs renew reported lost: abandoned, unless they are finishing (their {@code RunFinished} got there first). */
    private void onRenewLost(Set<String> runIds) {
        for (String runId : runIds) {
            if (ownership.isFinishing(runId)) {
                LOG.debug("run {} finished while its lease was renewed", runId);
            } else if (ownership.abandon(runId)) {
                LOG.warn("node {} lost the lease of run {} (another node took it over); stopped working on it",
                        settings.nodeId(), runId);
            }
        }
    }

    /** Renewals failed for almost a lease TTL: other nodes may take this node's runs, so it stops them all. */
    private void selfFence() {
        Set<String> owned = ownership.ownedIds();
        if (owned.isEmpty()) {
            return;
        }
        owned.forEach(ownership::abandon);
        LOG.warn("node {}: no lease renewal succeeded for {}; stopped its {} runs (other nodes may take them over)",
                settings.nodeId(), settings.leaseTtl().minus(settings.heartbeatInterval()), owned.size());
        try {
            leases.release(settings.nodeId(), owned); // if the store answers after all, others take them at once
        } catch (BatonException e) {
            LOG.debug("releasing the stopped runs failed (their leases expire): {}", e.getMessage());
        }
    }
}
