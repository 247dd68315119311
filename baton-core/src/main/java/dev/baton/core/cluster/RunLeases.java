package dev.baton.core.cluster;

import dev.baton.core.run.Run;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Leases on runs, so that several nodes sharing one store each execute a disjoint set of runs, and the runs of a
 * node that stops heartbeating are taken over by the others. Implemented by a shared store (PostgreSQL) and by
 * the in-memory store (for tests of several engines in one JVM). All must pass {@code RunLeasesContract} (core's
 * test jar).
 *
 * <p>A lease is (owner node id, expiry) on a non-terminal run. A run is <em>claimable</em> by node {@code n} when
 * it is not terminal and it has no owner, or its lease has expired, or {@code n} owns it already. Lease times are
 * the store's clock (the database's {@code now()}), never a node's, so nodes with skewed clocks agree on expiry.
 * A finished run keeps its last owner (for inspection) but is never claimable.
 *
 * <p>Fencing: {@link dev.baton.core.store.RunStore#append(List, String)} refuses the entries (other than
 * {@code CancelRequested}) of a run leased to another node with {@code LEASE_LOST}, so a node that lost a lease
 * (a long pause, a network partition) cannot write over the node that took the run over.
 *
 * <p>Thread-safe. Every method either completes durably or throws
 * {@link dev.baton.core.error.BatonException} {@code STORE_UNAVAILABLE} (retriable).
 */
public interface RunLeases {

    /**
     * Claims one run for {@code nodeId} if it is claimable (see above), setting its lease to expire
     * {@code ttl} from now. Used for a run this node just created (a started run, a child run), for the cancel of a
     * queued run, and for resume.
     *
     * @param ttl lease duration, &gt; 0
     * @return the run as stored, if {@code nodeId} holds its lease now; empty if another live node holds it, it is
     *         terminal, or it does not exist
     */
    Optional<Run> claim(String runId, String nodeId, Duration ttl);

    /**
     * Claims up to {@code limit} runs that no live node holds, for {@code nodeId}, in this order: orphans, that is
     * non-terminal runs whose lease expired (runs of a node that died; oldest expiry first) and {@code RUNNING} runs
     * without an owner (released by a draining node, or started by a single node before the cluster; these first),
     * then {@code QUEUED} runs without an owner (higher priority first, then older first). Rows locked by a concurrent claim on another node are
     * skipped ({@code FOR UPDATE SKIP LOCKED}), so concurrent claimers get disjoint runs and never wait on each
     * other.
     *
     * @param limit             most runs to claim, &ge; 1
     * @param includeQueued     whether unowned {@code QUEUED} runs may be claimed (false when this node has no free
     *                          admission slot: it then only takes over orphans of {@code RUNNING} status)
     * @param ttl               lease duration, &gt; 0
     * @return the claimed runs as stored (status {@code QUEUED} or {@code RUNNING}), orphans first
     */
    List<Run> claimNext(String nodeId, int limit, boolean includeQueued, Duration ttl);

    /**
     * Extends to {@code ttl} from now the lease of every non-terminal run {@code nodeId} holds (one statement,
     * however many runs), and reports which runs of {@code held} it does not hold any more.
     *
     * @param held the runs the node believes it holds
     * @return the runs of {@code held} that are now leased to another node, finished, or gone: the node must stop
     *         working on them (their journal entries would be refused anyway)
     */
    Set<String> renew(String nodeId, Set<String> held, Duration ttl);

    /**
     * Lets go of runs {@code nodeId} holds (graceful shutdown): they get no owner and become claimable at once.
     * Runs held by another node are left alone.
     */
    void release(String nodeId, Collection<String> runIds);

    /**
     * The number of {@code QUEUED} top-level runs (no parent) of all tenants that no node has started yet: the
     * cluster's queue depth, used for load shedding. May be slightly stale under concurrent writes.
     */
    long queuedRuns();

    /**
     * The non-terminal runs {@code nodeId} holds whose cancel was requested ({@code CancelRequested} journaled,
     * maybe by another node): the engine's fallback for a lost {@code CancelRequested} signal, called once per
     * heartbeat, so it must be cheap (one indexed statement). The default returns none (signals only).
     */
    default Set<String> cancelRequested(String nodeId) {
        return Set.of();
    }
}
