package dev.baton.core.engine.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which runs a cluster node's tasks are taking or cancelling right now ({@link ClusterMember}): a start's fast path,
 * a child claim, the claim loop's adoption of a claimed run, a cancel of a queued run. Whoever marks a run first
 * handles it, so a cancel on this node never races the activation of the same run here.
 *
 * <ul>
 *   <li>The claim loop may lease a run that another task handles (its batch was claimed first): it marks the run
 *       <em>deferred</em> and leaves it; the handler runs it, finishes it, or, if it did neither (its own claim
 *       failed), lets go of the lease when it is done ({@link #unhandle} says so), so the run is not stranded until
 *       the lease expires.</li>
 *   <li>A queued run this node cancelled since the claim loop's last batch may be in that batch as a stale
 *       {@code QUEUED} snapshot: it must not be started.</li>
 * </ul>
 *
 * <p>Thread-safety: safe for concurrent use (one concurrent map: a run's mark is set, deferred and removed
 * atomically, so a deferral is seen either by the handler's unhandle or not made at all).
 */
final class RunHandling {
    /** How a run is marked. */
    private enum Mark {
        /** A task handles it. */
        HANDLED,
        /** A task handles it, and the claim loop leased it meanwhile and left it to that task. */
        DEFERRED
    }

    private final ConcurrentMap<String, Mark> handling = new ConcurrentHashMap<>();
    private final Set<String> finishedWhileQueued = ConcurrentHashMap.newKeySet();

    /** Marks the run handled by the caller; whether it was not already. */
    boolean tryHandle(String runId) {
        return handling.putIfAbsent(runId, Mark.HANDLED) == null;
    }

    boolean isHandled(String runId) {
        return handling.containsKey(runId);
    }

    /**
     * The claim loop's mark of a run it just leased: whether it handles it now; if not, the run is deferred to the
     * task handling it.
     */
    boolean tryHandleClaimed(String runId) {
        // not handled: the loop handles it; handled: deferred, the handler's unhandle sees the deferral
        return handling.compute(runId, (id, mark) -> mark == null ? Mark.HANDLED : Mark.DEFERRED) == Mark.HANDLED;
    }

    /**
     * Unmarks a run.
     *
     * @param owned whether this node runs it now
     * @return whether the caller must let go of its lease: the claim loop leased it meanwhile, and nobody runs it
     */
    boolean unhandle(String runId, boolean owned) {
        return handling.remove(runId) == Mark.DEFERRED && !owned;
    }

    /** Unmarks a run the caller finished or resumes itself (a cancel): any deferral is settled. */
    void unhandleSettled(String runId) {
        handling.remove(runId);
    }

    /** This node cancelled a queued run (finished it without starting it). */
    void finishedWhileQueued(String runId) {
        finishedWhileQueued.add(runId);
    }

    /** Whether the claimed {@code QUEUED} snapshot of this run is stale: the run was cancelled here since. */
    boolean takeFinishedWhileQueued(String runId) {
        return finishedWhileQueued.remove(runId);
    }

    /** The claim loop is about to claim a batch: runs finished before it cannot be in it. */
    void batchStarting() {
        finishedWhileQueued.clear();
    }
}
