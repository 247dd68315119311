package dev.baton.core.engine.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Thread-safety: safe for concurrent use (concurrent sets; each side writes its mark before it reads the other's,
 * so of two racing tasks at least one sees the other).
 */
final class RunHandling {
    private final Set<String> handling = ConcurrentHashMap.newKeySet();
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();
    private final Set<String> finishedWhileQueued = ConcurrentHashMap.newKeySet();

    /** Marks the run handled by the caller; whether it was not already. */
    boolean tryHandle(String runId) {
        return handling.add(runId);
    }

    boolean isHandled(String runId) {
        return handling.contains(runId);
    }

    /**
     * The claim loop's mark of a run it just leased: whether it handles it now; if not, the run is deferred to the
     * task handling it.
     */
    boolean tryHandleClaimed(String runId) {
        if (handling.add(runId)) {
            return true;
        }
        deferred.add(runId);
        if (!handling.add(runId)) {
            return false; // the handler's unhandle sees the deferral
        }
        deferred.remove(runId);
        return true;
    }

    /**
     * Unmarks a run.
     *
     * @param owned whether this node runs it now
     * @return whether the caller must let go of its lease: the claim loop leased it meanwhile, and nobody runs it
     */
    boolean unhandle(String runId, boolean owned) {
        handling.remove(runId);
        boolean leftToHandler = deferred.remove(runId);
        return leftToHandler && !owned;
    }

    /** Unmarks a run the caller finished or resumes itself (a cancel): any deferral is settled. */
    void unhandleSettled(String runId) {
        handling.remove(runId);
        deferred.remove(runId);
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
