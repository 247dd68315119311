package dev.baton.core.engine.internal;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.cluster.ClusterSignal;
import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.cluster.RunLeases;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

/**
 * This engine as one node of a cluster sharing a store: it holds run leases and keeps them, takes runs nobody
 * holds, and follows the runs of other nodes. Not API; {@link EngineCore} uses it when the engine is built with
 * {@code cluster(...)}.
 *
 * <ul>
 *   <li>Start: a new run is claimed at once if an admission slot is free (fast path), else left unowned in the
 *       store and {@code WorkAvailable} is published; children are claimed by their parent's node.</li>
 *   <li>Claims: {@link ClaimLoop}, woken by signals, freed slots and the poll ({@code pollInterval}).</li>
 *   <li>{@link Heartbeat} ({@code heartbeatInterval}): one {@link RunLeases#renew} of every owned run; runs
 *       reported lost are abandoned (nothing journaled, waiters kept). A journal append refused with
 *       {@code LEASE_LOST} does the same. The heartbeat also picks up cancels journaled by other nodes whose signal
 *       was lost.</li>
 *   <li>Store outage ({@link StoreOutage}): after a renewal failed, this node takes no run of another node until
 *       one {@code leaseTtl} after the store answers again, so that live owners have renewed first (it still claims
 *       unowned queued runs); when its renewals have failed for almost a {@code leaseTtl}, it stops all its runs
 *       (self-fencing), since other nodes may take them over.</li>
 *   <li>Signals: durable journal batches publish {@code RunsChanged}; received ones wake {@link RemoteRuns};
 *       {@code CancelRequested} cancels an owned run.</li>
 * </ul>
 * All periodic work is scheduled on the engine's {@link EngineClock}, so tests drive it with a manual clock.
 *
 * <p>Thread-safety: safe for concurrent use; timer tasks only post work; the store is called on the executor, the
 * claim thread or the caller's thread, never under a lock.
 */
final class ClusterMember implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

    private final EngineCore core;
    private final ClusterSettings settings;
    private final RunLeases leases;
    private final ClusterSignals signals;
    private final RunOwnership ownership;
    private final Admission admission;
    private final Journal journal;
    private final EngineClock clock;
    private final Executor executor;
    private final ClaimLoop claims;
    private final RemoteRuns remote;
    private final Heartbeat heartbeat;
    private final RunHandling handling = new RunHandling();
    private volatile java.time.Instant lastClaimWarning;
    private volatile EngineClock.Timer heartbeatTimer;
    private volatile EngineClock.Timer pollTimer;
    private volatile boolean closed;

    ClusterMember(EngineCore core, ClusterSettings settings, RunLeases leases, ClusterSignals signals,
                  RunOwnership ownership, Admission admission, Journal journal, Completions completions,
                  EventHub events, EngineClock clock, Executor executor) {
        this.core = core;
        this.settings = settings;
        this.leases = leases;
        this.signals = signals;
        this.ownership = ownership;
        this.admission = admission;
        this.journal = journal;
        this.clock = clock;
        this.executor = executor;
        this.heartbeat = new Heartbeat(settings, leases, ownership, new StoreOutage(settings, clock));
        this.claims = new ClaimLoop(this, admission, leases, settings);
        this.remote = new RemoteRuns(completions, events, ownership, executor);
    }

    /** Joins: listens to signals, starts claiming, heartbeating and polling. */
    void start() {
        ownership.onSlotFreed(claims::slotFreed);
        signals.subscribe(this::onSignal);
        claims.start();
        scheduleHeartbeat();
        schedulePoll();
    }

    String nodeId() {
        return settings.nodeId();
    }

    // --- runs of this node --------------------------------------------------------------------------------------

    /** A run was just created by {@code start}: claims and activates it if a slot is free, else queues it. */
    void startOrQueue(Run run) {
        if (!handling.tryHandle(run.id())) {
            signals.publish(new ClusterSignal.WorkAvailable()); // being cancelled here
            return;
        }
        boolean queued;
        try {
            queued = !startOrQueueHandled(run);
        } finally {
            unhandle(run.id());
        }
        if (queued) { // only now: this node's claim loop could not take a run it handles
            signals.publish(new ClusterSignal.WorkAvailable());
        }
    }

    /** Lets go of a run this node handled; a cancel kept for its activation is dropped if it was not activated. */
    private void unhandle(String runId) {
        boolean owned = ownership.ownsId(runId);
        if (handling.unhandle(runId, owned)) {
            release(List.of(runId)); // the claim loop leased it meanwhile and left it to this handler
        }
        if (!owned) {
            ownership.forgetCancel(runId);
        }
    }

    /** @return whether the run was claimed (else it stays queued for any node) */
    private boolean startOrQueueHandled(Run run) {
        if (admission.tryAdmit()) {
            Optional<Run> claimed;
            try {
                claimed = leases.claim(run.id(), nodeId(), settings.leaseTtl());
            } catch (BatonException e) {
                admission.unreserve(1);
                claimFailed("claiming new run " + run.id(), e);
                return false;
            }
            if (claimed.isPresent() && claimed.get().status() == RunStatus.QUEUED) {
                ownership.activate(claimed.get()); // just created: no other node could cancel it while unowned
                return true;
            }
            // Claimed but RUNNING: another node started it meanwhile and its lease expired before this claim (a
            // slow claim under load). The lease is this node's now, so it must run it: dropping it would leave a run
            // that this node's heartbeat keeps renewing and nobody executes.
            if (claimed.isEmpty() || ownership.ownsId(run.id()) || !adoptHandled(claimed.get(), true)) {
                admission.unreserve(1); // another node holds it
            }
            return true;
        }
        return false;
    }

    /** A child run was created (or found queued) by a parent this node runs: it runs here too if it can. */
    void claimChild(Run child) {
        if (!handling.tryHandle(child.id())) {
            return;
        }
        boolean failed = false;
        try {
            // A RUNNING child is one another node started whose lease expired meanwhile: resumed here (see
            // startOrQueue).
            leases.claim(child.id(), nodeId(), settings.leaseTtl())
                    .filter(claimed -> !ownership.ownsId(claimed.id()))
                    .ifPresent(claimed -> adoptHandled(claimed, false));
        } catch (BatonException e) {
            claimFailed("claiming child run " + child.id(), e);
            failed = true;
        } finally {
            unhandle(child.id());
        }
        if (failed) { // any claim loop, this node's included, takes queued children whatever its free slots
            signals.publish(new ClusterSignal.WorkAvailable());
        }
    }

    /**
     * Takes over a run this node has just claimed: a {@code QUEUED} one is started, a {@code RUNNING} one resumed
     * from its journal. A top-level run uses the slot reserved for it, or is admitted beyond the limit (an orphan
     * was running already).
     *
     * @param slotReserved whether an admission slot was reserved for this run
     * @return whether the reserved slot was used
     */
    boolean adopt(Run run, boolean slotReserved) {
        if (ownership.ownsId(run.id())) {
            return false;
        }
        if (!handling.tryHandleClaimed(run.id())) {
            return false; // a cancel here finishes (or resumes) it; a start or child claim runs it or lets it go
        }
        try {
            if (run.status() == RunStatus.QUEUED && handling.takeFinishedWhileQueued(run.id())) {
                return false; // cancelled here after the claim: the snapshot is stale
            }
            return adoptHandled(run, slotReserved);
        } finally {
            unhandle(run.id());
        }
    }

    /** The claim loop is about to claim a batch: runs finished before it are not in it. */
    void claimingBatch() {
        handling.batchStarting();
    }

    private boolean adoptHandled(Run run, boolean slotReserved) {
        boolean topLevel = run.parentRunId() == null;
        if (topLevel && !slotReserved) {
            admission.forceAdmit();
        }
        try {
            if (run.status() == RunStatus.RUNNING) {
                LOG.info("node {} takes over run {}", nodeId(), run.id());
                ownership.resume(run);
            } else {
                // another node may have journaled a cancel while it held the lease, or before this claim
                ownership.activate(run, ownership.cancelRequest(run.id()).orElse(null));
            }
        } catch (RuntimeException e) {
            LOG.warn("run {} could not be taken over; handing it back: {}", run.id(), e.toString());
            boolean owned = ownership.abandon(run.id()); // frees the run's slot if it got that far
            release(List.of(run.id()));
            if (!owned && topLevel) {
                if (!slotReserved) {
                    admission.unreserve(1);
                }
                return false;
            }
        }
        return topLevel && slotReserved;
    }

    /**
     * Cancels a run this node does not own: a queued run nobody holds is claimed and finished here; otherwise the
     * request is journaled (not fenced) and signalled to the owner.
     */
    Run cancel(Run run, String reason) {
        if (run.status() == RunStatus.QUEUED) {
            if (!handling.tryHandle(run.id())) {
                // Being taken here right now: the request reaches its coordinator when it is registered; if it is
                // not taken here after all, whoever takes it reads the request from the store (or gets the signal).
                journal.append(new JournalEntry.CancelRequested(run.id(), reason, clock.instant())).join();
                ownership.cancel(run, reason);
                if (!handling.isHandled(run.id()) && !ownership.ownsId(run.id())) {
                    ownership.forgetCancel(run.id()); // the handler let go of it without activating it
                }
                signals.publish(new ClusterSignal.CancelRequested(run.id(), reason));
                return core.get(run.tenantId(), run.id()).map(v -> v.run()).orElse(run);
            }
            Optional<Run> claimed;
            boolean settled = false;
            try {
                claimed = leases.claim(run.id(), nodeId(), settings.leaseTtl());
                if (claimed.isPresent() && claimed.get().status() == RunStatus.QUEUED) {
                    handling.finishedWhileQueued(run.id()); // the claim loop may hold it in a batch claimed before
                    Run cancelled = core.cancellation().cancelQueued(claimed.get(), reason);
                    settled = true;
                    return cancelled;
                }
                settled = true;
            } finally {
                handling.unhandleSettled(run.id()); // finished here, or resumed here just below
                if (!settled && !ownership.ownsId(run.id())) {
                    // the claim or the cancel failed: this call's claim (or the claim loop's, left to this call) is
                    // let go of, so the run is not stranded until its lease expires (a finished run's is kept)
                    release(List.of(run.id()));
                }
            }
            if (claimed.isPresent()) {
                journal.append(new JournalEntry.CancelRequested(run.id(), reason, clock.instant())).join();
                adopt(claimed.get(), false); // an orphan: resumed with the request, it ends at once
                return core.get(run.tenantId(), run.id()).map(v -> v.run()).orElse(run);
            }
        }
        journal.append(new JournalEntry.CancelRequested(run.id(), reason, clock.instant())).join();
        signals.publish(new ClusterSignal.CancelRequested(run.id(), reason));
        return core.get(run.tenantId(), run.id()).map(v -> v.run()).orElse(run);
    }

    /** Drain: no more claims; returns once a claim under way has adopted its runs. */
    void stopClaiming() {
        claims.stopAndAwaitIdle();
    }

    /** Resume on start: claims whatever is claimable now; how many runs. */
    int claimNow() {
        return claims.claim(true);
    }

    /** Hands runs this node let go of back to the cluster (drain): released at once and announced. */
    void release(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return;
        }
        try {
            leases.release(nodeId(), runIds);
        } catch (BatonException e) {
            LOG.warn("releasing {} runs failed; other nodes take them once their leases expire: {}", runIds.size(),
                    e.getMessage());
        }
        signals.publish(new ClusterSignal.WorkAvailable());
    }

    // --- signals and the journal --------------------------------------------------------------------------------

    /** A journal batch is durable: other nodes' waiters and followers of these runs look now. */
    void onDurable(List<JournalEntry> entries) {
        Set<String> runIds = entries.stream().map(JournalEntry::runId).collect(Collectors.toSet());
        if (!runIds.isEmpty()) { // an empty set would mean "any run"
            signals.publish(new ClusterSignal.RunsChanged(runIds));
        }
    }

    /** The store refused appends of these runs: another node holds them now. */
    void onLeaseLost(Set<String> runIds) {
        for (String runId : runIds) {
            if (ownership.abandon(runId)) {
                LOG.warn("node {} lost the lease of run {} (another node took it over); stopped working on it",
                        nodeId(), runId);
            }
        }
    }

    private void onSignal(ClusterSignal signal) {
        if (closed) {
            return;
        }
        switch (signal) {
            case ClusterSignal.WorkAvailable ignored -> claims.workAvailable();
            case ClusterSignal.RunsChanged changed -> remote.changed(changed.runIds());
            case ClusterSignal.CancelRequested cancel -> ownership.cancelIfOwned(cancel.runId(), cancel.reason());
        }
    }

    // --- heartbeat, poll and store outages ----------------------------------------------------------------------

    private void scheduleHeartbeat() {
        if (closed) {
            return;
        }
        heartbeatTimer = clock.schedule(settings.heartbeatInterval(), () -> {
            execute(this::heartbeat);
            scheduleHeartbeat();
        });
    }

    private void schedulePoll() {
        if (closed) {
            return;
        }
        pollTimer = clock.schedule(settings.pollInterval(), () -> {
            claims.poll();
            execute(remote::sweep);
            schedulePoll();
        });
    }

    private void heartbeat() {
        if (!closed) {
            heartbeat.beat();
        }
    }

    /** Whether this node may take runs of other nodes now (not right after a store outage). */
    boolean mayTakeOver() {
        return heartbeat.mayTakeOver();
    }

    /**
     * A claim failed: logged (at WARN at most once per {@code leaseTtl}: during an outage every poll fails); it says
     * nothing about this node's leases (only renewals do, {@link StoreOutage}).
     */
    void claimFailed(String what, BatonException e) {
        java.time.Instant now = clock.instant();
        java.time.Instant last = lastClaimWarning;
        if (last == null || !now.isBefore(last.plus(settings.leaseTtl()))) {
            lastClaimWarning = now;
            LOG.warn("node {}: {} failed: {}", nodeId(), what, e.getMessage());
        } else {
            LOG.debug("node {}: {} failed: {}", nodeId(), what, e.getMessage());
        }
    }

    private void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Stops claiming, heartbeating and polling; leases are kept (they expire unless drained first). */
    @Override
    public void close() {
        closed = true;
        claims.stop();
        EngineClock.Timer beat = heartbeatTimer;
        if (beat != null) {
            beat.cancel();
        }
        EngineClock.Timer poll = pollTimer;
        if (poll != null) {
            poll.cancel();
        }
    }
}
