package dev.baton.core.engine.internal;

import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.ExecutorService;

/**
 * The runs this node owns: one {@link RunCoordinator} per run in {@link #active}, and nothing else. A run becomes
 * owned when it is admitted ({@link #activate}) or resumed ({@link #resumeUnfinished}) and stops being owned when
 * its {@code RunFinished} is durable (or refused by the store); its waiters are then completed and the next queued
 * run is admitted. A run whose workflow cannot be loaded, or that cannot be activated, is finished {@code FAILED}
 * rather than lost. In a cluster, runs are activated or resumed once this node holds their lease
 * ({@link ClusterMember}), and a run whose lease is lost is {@link #abandon abandoned}.
 *
 * <p>Thread-safety: safe for concurrent use. The owned runs are a {@link ConcurrentHashMap} (a run is activated at
 * most once, by {@code putIfAbsent}); {@link Admission} and {@link Completions} are thread-safe; finishing callbacks
 * arrive on the journal writer thread and never block it (activation of the next run goes to the executor).
 */
final class RunOwnership {
    private static final Logger LOG = LoggerFactory.getLogger(RunOwnership.class);

    private final EngineCore core;
    private final RunStore store;
    private final WorkflowResolver resolver;
    private final Journal journal;
    private final EngineClock clock;
    private final ExecutorService executor;
    private final Admission admission;
    private final Completions completions;
    private final Map<String, RunCoordinator> active = new ConcurrentHashMap<>();
    /** Cancel reasons ("" for none) of queued runs being admitted, not owned yet: applied on activation. */
    private final Map<String, String> pendingCancels = new ConcurrentHashMap<>();
    /** Signalled whenever a run stops being owned (for {@link #awaitIdle}). */
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition released = idleLock.newCondition();
    /** Told when a top-level run's admission slot is freed (cluster mode: the claim loop may take more). */
    private volatile Runnable onSlotFreed = () -> { };
    /** While draining, finished runs do not admit queued ones. */
    private volatile boolean draining;

    RunOwnership(EngineCore core, RunStore store, WorkflowResolver resolver, Journal journal, EngineClock clock,
                 ExecutorService executor, Admission admission, Completions completions) {
        this.core = core;
        this.store = store;
        this.resolver = resolver;
        this.journal = journal;
        this.clock = clock;
        this.executor = executor;
        this.admission = admission;
        this.completions = completions;
    }

    /** Whether this node owns the (unfinished) run right now. */
    boolean owns(String tenantId, String runId) {
        RunCoordinator owner = active.get(runId);
        return owner != null && owner.tenantId().equals(tenantId);
    }

    /**
     * Hands a (journaled) cancel request to the run's owner. A queued run that is being admitted right now has no
     * owner yet: the request is kept and applied when the run is activated. Either side (this method or
     * {@link #activate}) writes its map before reading the other's, so at least one of them sees the request.
     */
    void cancel(Run run, String reason) {
        if (run.status() == RunStatus.QUEUED) {
            pendingCancels.put(run.id(), reason == null ? "" : reason);
        }
        RunCoordinator owner = active.get(run.id());
        if (owner != null) {
            pendingCancels.remove(run.id());
            owner.cancel(reason);
        }
    }

    /** Cancels the run if this node owns it (a cancel journaled by another node); whether it does. */
    boolean cancelIfOwned(String runId, String reason) {
        RunCoordinator owner = active.get(runId);
        if (owner != null) {
            owner.cancel(reason);
        }
        return owner != null;
    }

    /** Whether this node owns the run right now (any tenant). */
    boolean ownsId(String runId) {
        return active.containsKey(runId);
    }

    /** The ids of the runs owned right now. */
    Set<String> ownedIds() {
        return Set.copyOf(active.keySet());
    }

    void onSlotFreed(Runnable value) {
        onSlotFreed = value;
    }

    /** From now on, finished runs do not admit queued ones (they stay queued in the store). */
    void drain() {
        draining = true;
    }

    /**
     * Lets go of a run without journaling anything (its lease was lost, or the node drains): its coordinator stops,
     * its admission slot is freed, and its waiters stay registered (they follow the run as a remote one).
     *
     * @return whether this node owned it
     */
    boolean abandon(String runId) {
        RunCoordinator coordinator = active.remove(runId);
        if (coordinator == null) {
            return false;
        }
        coordinator.abandon();
        pendingCancels.remove(runId);
        if (coordinator.run().parentRunId() == null) {
            admission.unreserve(1);
        }
        signalReleased();
        return true;
    }

    /** Waits (wall clock, an operational bound) until no run is owned; whether none is. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        // a real-time bound (the drain timeout of a stopping process); awaitNanos returns what is left of its own
        // argument (50 ms), not of the whole timeout, so the deadline is kept apart
        long deadline = System.nanoTime() + timeout.toNanos();
        idleLock.lock();
        try {
            while (!active.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                released.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }

    private void signalReleased() {
        idleLock.lock();
        try {
            released.signalAll();
        } finally {
            idleLock.unlock();
        }
    }

    /**
     * Takes over a {@code RUNNING} run this node just claimed (cluster) and resumes it from its journal; a top-level
     * run must already hold an admission slot.
     */
    void resume(Run run) {
        Workflow workflow = resolveOrFail(run);
        if (workflow != null) {
            RunCoordinator coordinator = new RunCoordinator(core, run, workflow);
            if (active.putIfAbsent(run.id(), coordinator) == null) {
                coordinator.resume(store.attempts(run.id()), cancelRequest(run.id()).orElse(null));
            }
        }
    }

    /** Drops a kept cancel request of a run that finished without being activated. */
    void forgetCancel(String runId) {
        pendingCancels.remove(runId);
    }

    /** Runs owned by this node right now. */
    int size() {
        return active.size();
    }

    /**
     * Takes ownership of every unfinished run in the store: running ones first (they already hold admission slots,
     * even beyond the limit), then queued ones through admission by priority.
     */
    int resumeUnfinished() {
        List<Run> unfinished = store.unfinished().stream().filter(run -> !active.containsKey(run.id())).toList();
        for (Run run : unfinished) {
            if (run.status() != RunStatus.RUNNING) {
                continue;
            }
            if (run.parentRunId() == null) {
                admission.forceAdmit();
            }
            Workflow workflow = resolveOrFail(run);
            if (workflow != null) {
                RunCoordinator coordinator = new RunCoordinator(core, run, workflow);
                active.put(run.id(), coordinator);
                coordinator.resume(store.attempts(run.id()), cancelRequest(run.id()).orElse(null));
            }
        }
        for (Run run : unfinished) {
            if (run.status() != RunStatus.QUEUED) {
                continue;
            }
            if (run.parentRunId() != null) {
                activateOnce(run);
            } else if (admission.offer(run)) {
                activate(run);
            }
        }
        return unfinished.size();
    }

    /** The reason of a cancellation requested before a restart, if any (read from the run's events). */
    Optional<String> cancelRequest(String runId) {
        long after = 0;
        while (true) {
            List<RunEvent> page = store.events(runId, after, 1000);
            for (RunEvent event : page) {
                if (event.entry() instanceof JournalEntry.CancelRequested requested) {
                    return Optional.of(requested.reason() == null ? "" : requested.reason());
                }
                after = event.sequence();
            }
            if (page.size() < 1000) {
                return Optional.empty();
            }
        }
    }

    /** Takes ownership of an admitted run and starts it (unless this node owns it already). */
    void activate(Run run) {
        Workflow workflow = resolveOrFail(run);
        if (workflow == null) {
            return;
        }
        RunCoordinator coordinator = new RunCoordinator(core, run, workflow);
        if (active.putIfAbsent(run.id(), coordinator) == null) {
            // A cancel arriving from here on finds the owner (cancel() reads active after writing its request).
            coordinator.start(pendingCancels.remove(run.id()));
        }
    }

    /** Activates a queued child run unless this node owns it already. */
    void activateOnce(Run child) {
        if (!active.containsKey(child.id())) {
            activate(child);
        }
    }

    private Workflow resolveOrFail(Run run) {
        try {
            return resolver.resolve(run.tenantId(), run.workflowId(), run.workflowVersion());
        } catch (RuntimeException e) {
            String code = e instanceof BatonException b ? b.code().code() : ErrorCode.INTERNAL.code();
            StepError error = new StepError(code, "workflow '" + run.workflowId() + "' version "
                    + run.workflowVersion() + " cannot be loaded: " + e.getMessage(), false);
            Instant at = clock.instant();
            Run finished = run.finished(RunStatus.FAILED, null, error,
                    run.startedAt() != null ? run.startedAt() : at, at);
            journal.append(List.of(new JournalEntry.RunStarted(run.id(), at),
                            new JournalEntry.RunFinished(run.id(), RunStatus.FAILED, null, error, at)))
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            if (run.status() == RunStatus.QUEUED) {
                                core.observer().runStarted(run.started(at), RunCoordinator.queueWait(run, at));
                            }
                            afterFinish(new RunView(finished, List.of()));
                        } else {
                            afterFinishFailed(run, failure);
                        }
                    });
            return null;
        }
    }

    /** A run finished before it was started (cancelled while queued), as the store holds it. */
    static Run finishedWithoutStart(Run run, RunStatus status, StepError error, Instant at) {
        return run.finished(status, null, error, run.startedAt(), at);
    }

    /**
     * Called (on the journal writer thread) once a run's {@code RunFinished} is durable, with the run's final view
     * as the coordinator journaled it.
     */
    void onRunFinished(RunCoordinator coordinator, RunView view) {
        boolean owned = active.remove(coordinator.runId(), coordinator);
        signalReleased();
        if (!owned && coordinator.isAbandoned()) {
            // It finished while being let go: abandon() freed its slot already.
            pendingCancels.remove(view.run().id());
            core.observer().runFinished(view.run());
            completions.runFinished(view);
            return;
        }
        afterFinish(view);
    }

    /**
     * The store refused a run's {@code RunFinished} (a non-retriable failure, the journal retries the others): the
     * run stays unfinished in the store (a restart resumes it), but this node lets go of it and its waiters fail
     * with the store's error rather than hang.
     */
    void onRunFinishFailed(RunCoordinator coordinator, Throwable failure) {
        active.remove(coordinator.runId(), coordinator);
        signalReleased();
        if (core.isClosed() || coordinator.isAbandoned()) {
            return; // the next process resumes the run; close() leaves waiters of unfinished runs incomplete
        }
        afterFinishFailed(coordinator.run(), failure);
    }

    private void afterFinishFailed(Run run, Throwable failure) {
        pendingCancels.remove(run.id());
        LogContext.putRun(run.id(), run.workflowId());
        try {
            LOG.error("run {} could not be finished in the store", run.id(), failure);
        } finally {
            LogContext.removeRun();
        }
        completions.runFailed(run.id(), failure);
        releaseAdmission(run);
    }

    /**
     * Tells the observer, completes the waiters (no store access, never throws), then admits the next queued run.
     */
    private void afterFinish(RunView view) {
        pendingCancels.remove(view.run().id());
        core.observer().runFinished(view.run());
        completions.runFinished(view);
        releaseAdmission(view.run());
    }

    private void releaseAdmission(Run run) {
        if (run.parentRunId() != null || core.isClosed()) {
            return;
        }
        if (draining) {
            admission.unreserve(1);
            return;
        }
        Optional<Run> next = admission.release();
        onSlotFreed.run();
        if (next.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> activateSafely(next.get()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("engine closed; run {} stays queued for the next start", next.get().id());
        }
    }

    /** Activates an admitted run; an unexpected failure fails that run instead of losing it. */
    private void activateSafely(Run run) {
        try {
            activate(run);
        } catch (RuntimeException | Error e) {
            LogContext.putRun(run.id(), run.workflowId());
            try {
                LOG.error("run {} could not be activated", run.id(), e);
            } finally {
                LogContext.removeRun();
            }
            active.remove(run.id());
            StepError error = new StepError(ErrorCode.INTERNAL.code(), "run " + run.id() + " could not be started: "
                    + e, false);
            Instant at = clock.instant();
            journal.append(new JournalEntry.RunFinished(run.id(), RunStatus.FAILED, null, error, at))
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            afterFinish(new RunView(finishedWithoutStart(run, RunStatus.FAILED, error, at),
                                    List.of()));
                        } else {
                            afterFinishFailed(run, failure);
                        }
                    });
        }
    }
}
