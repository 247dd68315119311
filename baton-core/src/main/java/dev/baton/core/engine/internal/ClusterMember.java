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

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   <li>Heartbeat ({@code heartbeatInterval}): one {@link RunLeases#renew} of every owned run; runs reported lost
 *       are abandoned (nothing journaled, waiters kept). A journal append refused with {@code LEASE_LOST} does the
 *       same. The heartbeat also picks up cancels journaled by other nodes whose signal was lost.</li>
 *   <li>Store outage: after a renew or claim failed, this node takes no run of another node until one
 *       {@code leaseTtl} after the store answers again, so that live owners have renewed first.</li>
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
    private final AtomicBoolean heartbeatRunning = new AtomicBoolean();
    /** Owned runs whose cancel request (found by the heartbeat) was handed to their coordinator. */
    private final Set<String> cancelsHandled = ConcurrentHashMap.newKeySet();
    /**
     * Runs this node is taking (claimed, coordinator not yet registered) or cancelling while queued: whoever adds a
     * run first handles it, so a cancel on this node never races the activation of the same run here.
     */
    private final Set<String> handling = ConcurrentHashMap.newKeySet();
    private volatile boolean storeTrouble;
    private volatile Instant noTakeOverBefore = Instant.MIN;
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
        if (!handling.add(run.id())) {
            signals.publish(new ClusterSignal.WorkAvailable()); // being cancelled here
            return;
        }
        try {
            startOrQueueHandled(run);
        } finally {
            handling.remove(run.id());
        }
    }

    private void startOrQueueHandled(Run run) {
        if (admission.tryAdmit()) {
            Optional<Run> claimed;
            try {
                claimed = leases.claim(run.id(), nodeId(), settings.leaseTtl());
                storeAnswered();
            } catch (BatonException e) {
                admission.unreserve(1);
                storeFailed("claiming a new run", e);
                signals.publish(new ClusterSignal.WorkAvailable());
                return;
            }
            if (claimed.isPresent() && claimed.get().status() == RunStatus.QUEUED) {
                ownership.activate(claimed.get());
                return;
            }
            admission.unreserve(1); // another node took it first
            return;
        }
        signals.publish(new ClusterSignal.WorkAvailable());
    }

    /** A child run was created (or found queued) by a parent this node runs: it runs here too if it can. */
    void claimChild(Run child) {
        if (!handling.add(child.id())) {
            return;
        }
        try {
            leases.claim(child.id(), nodeId(), settings.leaseTtl()).filter(r -> r.status() == RunStatus.QUEUED)
                    .ifPresent(ownership::activateOnce);
        } catch (BatonException e) {
            storeFailed("claiming a child run", e);
            signals.publish(new ClusterSignal.WorkAvailable());
        } finally {
            handling.remove(child.id());
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
        if (ownership.ownsId(run.id()) || !handling.add(run.id())) {
            return false; // a cancel here holds it: it finishes the run (or hands it to its owner)
        }
        try {
            return adoptHandled(run, slotReserved);
        } finally {
            handling.remove(run.id());
        }
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
                ownership.activate(run);
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
            if (!handling.add(run.id())) {
                // Being activated here right now: the request reaches its coordinator when it is registered.
                journal.append(new JournalEntry.CancelRequested(run.id(), reason, clock.instant())).join();
                ownership.cancel(run, reason);
                return core.get(run.tenantId(), run.id()).map(v -> v.run()).orElse(run);
            }
            Optional<Run> claimed;
            try {
                claimed = leases.claim(run.id(), nodeId(), settings.leaseTtl());
                if (claimed.isPresent() && claimed.get().status() == RunStatus.QUEUED) {
                    return core.cancelQueued(claimed.get(), reason);
                }
            } finally {
                handling.remove(run.id());
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

    /** Drain: no more claims. */
    void stopClaiming() {
        claims.stop();
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
        if (closed || !heartbeatRunning.compareAndSet(false, true)) {
            return;
        }
        try {
            Set<String> lost = leases.renew(nodeId(), ownership.ownedIds(), settings.leaseTtl());
            storeAnswered();
            onLeaseLost(lost);
            handleCancels(leases.cancelRequested(nodeId()));
        } catch (BatonException e) {
            storeFailed("renewing leases", e);
        } catch (RuntimeException e) {
            LOG.error("heartbeat of node {} failed", nodeId(), e);
        } finally {
            heartbeatRunning.set(false);
        }
    }

    /** Cancels owned runs whose cancel request reached the store but whose signal did not reach this node. */
    private void handleCancels(Set<String> requested) {
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

    /** Whether this node may take runs of other nodes now (not right after a store outage). */
    boolean mayTakeOver() {
        return !storeTrouble && !clock.instant().isBefore(noTakeOverBefore);
    }

    /** The store answered: after an outage, others' runs wait one lease TTL (their owners renew first). */
    void storeAnswered() {
        if (storeTrouble) {
            storeTrouble = false;
            noTakeOverBefore = clock.instant().plus(settings.leaseTtl());
            LOG.info("node {}: the store answers again; taking over no other node's runs before {}", nodeId(),
                    noTakeOverBefore);
        }
    }

    void storeFailed(String what, BatonException e) {
        if (!storeTrouble) {
            LOG.warn("node {}: {} failed: {}", nodeId(), what, e.getMessage());
        }
        storeTrouble = true;
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
        EngineClock.Timer heartbeat = heartbeatTimer;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        EngineClock.Timer poll = pollTimer;
        if (poll != null) {
            poll.cancel();
        }
    }
}
