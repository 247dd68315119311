package dev.baton.core.engine.internal;

import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import dev.baton.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Cancelling runs, for {@link EngineCore}: a finished run is returned as it is; a run another node owns is
 * cancelled through {@link ClusterMember}; a queued run this node holds (in admission or by its lease) is finished
 * {@code CANCELLED} here without starting; any other run gets a journaled cancel request that its owner acts on
 * (now, on activation, or when it is resumed). Also cancels the child runs of stopped {@code workflow} and
 * {@code map} steps, asynchronously.
 *
 * <p>Thread-safety: safe for concurrent use (no state of its own).
 */
final class RunCancellation {
    private static final Logger LOG = LoggerFactory.getLogger(RunCancellation.class);

    private final RunStore store;
    private final Journal journal;
    private final EngineClock clock;
    private final Admission admission;
    private final RunOwnership ownership;
    /** This node in its cluster, or {@code null} for a single node. */
    private final ClusterMember member;
    private final GuardedObserver observer;
    private final Completions completions;
    private final ExecutorService executor;
    /** Throws {@code NOT_READY} when the engine is closed. */
    private final Runnable ensureOpen;

    RunCancellation(RunStore store, Journal journal, EngineClock clock, Admission admission, RunOwnership ownership,
                    ClusterMember member, GuardedObserver observer, Completions completions, ExecutorService executor,
                    Runnable ensureOpen) {
        this.store = store;
        this.journal = journal;
        this.clock = clock;
        this.admission = admission;
        this.ownership = ownership;
        this.member = member;
        this.observer = observer;
        this.completions = completions;
        this.executor = executor;
        this.ensureOpen = ensureOpen;
    }

    /** See {@link dev.baton.core.engine.Engine#cancel}. */
    Run cancel(String tenantId, String runId, String reason) {
        Run run = store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        if (run.status().isTerminal()) {
            return run;
        }
        ensureOpen.run();
        if (member != null && !ownership.ownsId(runId)) {
            return member.cancel(run, reason);
        }
        if (run.status() == RunStatus.QUEUED && admission.remove(runId)) {
            return cancelQueued(run, reason);
        }
        journal.append(new JournalEntry.CancelRequested(runId, reason, clock.instant())).join();
        // The owner acts on it now; a queued run being admitted gets it on activation; a run owned by no one
        // sees the request when it is resumed.
        ownership.cancel(run, reason);
        return store.find(tenantId, runId).orElse(run);
    }

    /** Finishes a queued run nobody started ({@code CANCELLED}); this node holds it (admission or lease). */
    Run cancelQueued(Run run, String reason) {
        StepError error = StepError.of(ErrorCode.CANCELLED, reason == null || reason.isBlank()
                ? "cancelled before it started" : "cancelled before it started: " + reason);
        Instant at = clock.instant();
        journal.append(List.of(new JournalEntry.CancelRequested(run.id(), reason, at),
                new JournalEntry.RunFinished(run.id(), RunStatus.CANCELLED, null, error, at))).join();
        ownership.forgetCancel(run.id());
        Run finished = RunOwnership.finishedWithoutStart(run, RunStatus.CANCELLED, error, at);
        observer.runFinished(finished);
        completions.runFinished(new RunView(finished, List.of()));
        return finished;
    }

    /** Cancels a child run whose parent step was stopped (asynchronously; never throws). */
    void cancelChild(Run child, String reason) {
        executor.execute(() -> {
            try {
                cancel(child.tenantId(), child.id(), reason);
            } catch (BatonException e) {
                LOG.debug("could not cancel child run {}: {}", child.id(), e.getMessage());
            }
        });
    }
}
