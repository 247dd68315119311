package dev.baton.core.engine.internal;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.error.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * What a cluster node knows of its store's health, from its lease renewals (not from other calls: a claim that
 * timed out under load says nothing about whether this node's leases are still held).
 *
 * <ul>
 *   <li>Quiet period: after a renewal failed, the node takes over no run of another node until one
 *       {@code leaseTtl} after a renewal succeeds again, so that live owners, also cut off, renew first. Unowned
 *       queued runs are still claimed.</li>
 *   <li>Self-fencing: once renewals fail (or one hangs) and none has succeeded for {@code leaseTtl} minus one
 *       {@code heartbeatInterval} (by this node's clock, from the start of the last successful renewal, so the
 *       store's leases expire no earlier), the node must assume other nodes take its runs over, and stops them
 *       all.</li>
 * </ul>
 * Times are the engine's clock; the margin of one heartbeat covers the renewal's own latency and modest clock rate
 * differences, not a paused process (fencing by the store covers that).
 *
 * <p>Thread-safety: safe for concurrent use (volatile fields, written by heartbeats).
 */
final class StoreOutage {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOutage.class);

    private final ClusterSettings settings;
    private final EngineClock clock;
    private volatile boolean trouble;
    private volatile Instant noTakeOverBefore = Instant.MIN;
    private volatile Instant lastRenewed;
    /** When the renewal under way was issued, or {@code null}. */
    private volatile Instant renewing;
    /** {@link System#nanoTime} when the renewal under way was issued. */
    private volatile long renewingSinceNanos;
    /** The renewal a heartbeat found under way, or {@code null}. */
    private volatile Instant seenUnderWay;

    StoreOutage(ClusterSettings settings, EngineClock clock) {
        this.settings = settings;
        this.clock = clock;
        this.lastRenewed = clock.instant();
    }

    /** Whether this node may take runs of other nodes now (not in the quiet period after an outage). */
    boolean mayTakeOver() {
        return !trouble && !clock.instant().isBefore(noTakeOverBefore);
    }

    /** A renewal is issued now; returns the time it was issued at. */
    Instant renewing() {
        Instant now = clock.instant();
        renewingSinceNanos = System.nanoTime();
        renewing = now;
        return now;
    }

    /** A renewal issued at {@code issuedAt} succeeded. */
    void renewed(Instant issuedAt) {
        renewing = null;
        if (issuedAt.isAfter(lastRenewed)) {
            lastRenewed = issuedAt;
        }
        if (trouble) {
            noTakeOverBefore = clock.instant().plus(settings.leaseTtl()); // before trouble clears: mayTakeOver
            trouble = false;
            LOG.info("node {}: the store answers again; taking over no other node's runs before {}",
                    settings.nodeId(), noTakeOverBefore);
        }
    }

    /** A renewal failed. */
    void renewFailed(BatonException e) {
        renewing = null;
        if (!trouble) {
            LOG.warn("node {}: renewing leases failed: {}", settings.nodeId(), e.getMessage());
        }
        trouble = true;
    }

    /**
     * Whether the node must stop its runs now: none succeeded for {@code leaseTtl} minus one heartbeat interval, and
     * the renewal just made failed or (with {@code renewalUnderWay}) the one under way has hung: two heartbeats found
     * it under way, at least a heartbeat interval after it was issued. Counting restarts from now when it says so (the
     * runs it stops are gone; later ones are judged afresh). A renewal under way past one interval, and self-fencing,
     * count as trouble: a late success starts the quiet period.
     *
     * @param renewalUnderWay whether a renewal is under way (its outcome is unknown: only its duration counts)
     */
    boolean mustSelfFence(boolean renewalUnderWay) {
        Instant now = clock.instant();
        Instant pending = renewing;
        // overdue: under way for at least one interval of engine time and of real time (a stuck I/O call is stuck in
        // real time; a manual test clock may jump past a renewal that takes microseconds)
        boolean overdue = renewalUnderWay && pending != null
                && Duration.between(pending, now).compareTo(settings.heartbeatInterval()) >= 0
                && System.nanoTime() - renewingSinceNanos >= settings.heartbeatInterval().toNanos();
        boolean hanging = overdue && pending.equals(seenUnderWay); // seen under way by two heartbeats
        if (renewalUnderWay) {
            seenUnderWay = pending;
        }
        if (overdue && !trouble) {
            LOG.warn("node {}: renewing leases takes more than {}", settings.nodeId(), settings.heartbeatInterval());
            trouble = true;
        }
        if (renewalUnderWay ? !hanging : !trouble) {
            return false; // the last renewal succeeded (a late heartbeat is no reason: it renews now)
        }
        Duration silence = Duration.between(lastRenewed, now);
        if (silence.compareTo(settings.leaseTtl().minus(settings.heartbeatInterval())) < 0) {
            return false;
        }
        lastRenewed = now;
        trouble = true;
        return true;
    }
}
