package dev.baton.core.engine.internal;

import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunStore;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * Futures of callers waiting for runs to finish. A waiter gets the run's final view: the one the run's coordinator
 * built from what it journaled once {@code RunFinished} is durable (no store read, so 10,000 runs ending in the
 * same second need no connection each), or, for a run this node does not own, the one read from the store.
 *
 * <p>In a cluster, a run this node does not own (or let go of) finishes elsewhere: {@link #recheck} reads it from
 * the store when a signal says it changed, and on every poll.
 *
 * <p>Thread-safe: a waiter registered while the run finishes is completed by whichever of {@link #await} and
 * {@link #runFinished} comes second. {@link #runFinished} and {@link #runFailed} never touch the store and never
 * throw.
 */
final class Completions {
    private final RunStore store;
    private final BiPredicate<String, String> owned;
    /** Waiters by run id, with the run's tenant (to read it from the store); only runs someone waits for. */
    private final Map<String, Waiter> waiting = new ConcurrentHashMap<>();

    /**
     * @param owned whether this node owns a run (tenant id, run id): its coordinator will report its end, so
     *              awaiting it needs no store read
     */
    Completions(RunStore store, BiPredicate<String, String> owned) {
        this.store = store;
        this.owned = owned;
    }

    /**
     * A future of the run's final view (completed at once for a finished run). It fails only if the store refused
     * the run's {@code RunFinished}.
     *
     * @throws BatonException NOT_FOUND for an unknown run, STORE_UNAVAILABLE if the store cannot be read
     */
    CompletableFuture<RunView> await(String tenantId, String runId) {
        Waiter waiter;
        if (owned.test(tenantId, runId)) {
            waiter = register(tenantId, runId);
            // The owner lets go of the run before completing its waiters: still owned means we will be completed.
            if (owned.test(tenantId, runId)) {
                return waiter.future.thenApply(view -> view); // callers cannot complete the shared future
            }
        } else {
            Run run = store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
            if (run.status().isTerminal()) {
                return CompletableFuture.completedFuture(new RunView(run, store.attempts(runId)));
            }
            waiter = register(tenantId, runId);
        }
        // The run may have finished between the check above and the registration.
        try {
            store.find(tenantId, runId).filter(r -> r.status().isTerminal())
                    .ifPresent(r -> complete(new RunView(r, store.attempts(runId))));
        } catch (RuntimeException e) {
            waiting.remove(runId, waiter);
            throw e;
        }
        return waiter.future.thenApply(view -> view);
    }

    /**
     * The waiter of a run: the registered one, or a new one. A waiter whose future already completed (the run
     * finished or failed while this call raced it) is never returned: its run id was removed together with it, so
     * the new one is registered with its own tenant and is seen by {@link #recheck} and {@link #runFinished}.
     */
    private Waiter register(String tenantId, String runId) {
        return waiting.computeIfAbsent(runId, id -> new Waiter(tenantId, new CompletableFuture<>()));
    }

    /** The runs someone waits for. */
    Set<String> waitingRunIds() {
        return Set.copyOf(waiting.keySet());
    }

    /** Whether someone waits for the run. */
    boolean isWaiting(String runId) {
        return waiting.containsKey(runId);
    }

    /** How many runs someone waits for (tests: nothing is kept for runs nobody waits for). */
    int waitingCount() {
        return waiting.size();
    }

    /**
     * Reads a waited-for run this node does not own from the store and completes its waiters if it finished.
     *
     * @throws BatonException STORE_UNAVAILABLE if the store cannot be read (the next poll tries again)
     */
    void recheck(String runId) {
        Waiter waiter = waiting.get(runId);
        if (waiter == null || owned.test(waiter.tenantId, runId)) {
            return;
        }
        store.find(waiter.tenantId, runId).filter(r -> r.status().isTerminal())
                .ifPresent(r -> complete(new RunView(r, store.attempts(runId))));
    }

    /** The run's {@code RunFinished} is durable: completes its waiters, if any, with its final view. */
    void runFinished(RunView finished) {
        complete(finished);
    }

    /** The run could not be finished in the store: its waiters fail with that error. */
    void runFailed(String runId, Throwable failure) {
        Waiter waiter = waiting.remove(runId);
        if (waiter != null) {
            waiter.future.completeExceptionally(failure);
        }
    }

    private void complete(RunView view) {
        Waiter waiter = waiting.remove(view.run().id());
        if (waiter != null) {
            waiter.future.complete(view);
        }
    }

    /** The callers waiting for one run: one shared future, and the run's tenant. */
    private record Waiter(String tenantId, CompletableFuture<RunView> future) {
    }
}
