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
    private final Map<String, CompletableFuture<RunView>> waiting = new ConcurrentHashMap<>();
    /** The tenant of each waited-for run (to read it from the store). */
    private final Map<String, String> tenants = new ConcurrentHashMap<>();

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
        tenants.put(runId, tenantId);
        CompletableFuture<RunView> future;
        if (owned.test(tenantId, runId)) {
            future = waiting.computeIfAbsent(runId, id -> new CompletableFuture<>());
            // The owner lets go of the run before completing its waiters: still owned means we will be completed.
            if (owned.test(tenantId, runId)) {
                return future.thenApply(view -> view); // callers cannot complete the shared future
            }
        } else {
            Run run = store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
            if (run.status().isTerminal()) {
                return CompletableFuture.completedFuture(new RunView(run, store.attempts(runId)));
            }
            future = waiting.computeIfAbsent(runId, id -> new CompletableFuture<>());
        }
        // The run may have finished between the check above and the registration.
        try {
            store.find(tenantId, runId).filter(r -> r.status().isTerminal())
                    .ifPresent(r -> complete(new RunView(r, store.attempts(runId))));
        } catch (RuntimeException e) {
            waiting.remove(runId, future);
            throw e;
        }
        return future.thenApply(view -> view);
    }

    /** The runs someone waits for. */
    Set<String> waitingRunIds() {
        return Set.copyOf(waiting.keySet());
    }

    /**
     * Reads a waited-for run this node does not own from the store and completes its waiters if it finished.
     *
     * @throws BatonException STORE_UNAVAILABLE if the store cannot be read (the next poll tries again)
     */
    void recheck(String runId) {
        String tenantId = tenants.get(runId);
        if (tenantId == null || !waiting.containsKey(runId) || owned.test(tenantId, runId)) {
            return;
        }
        store.find(tenantId, runId).filter(r -> r.status().isTerminal())
                .ifPresent(r -> complete(new RunView(r, store.attempts(runId))));
    }

    /** The run's {@code RunFinished} is durable: completes its waiters, if any, with its final view. */
    void runFinished(RunView finished) {
        complete(finished);
    }

    /** The run could not be finished in the store: its waiters fail with that error. */
    void runFailed(String runId, Throwable failure) {
        CompletableFuture<RunView> future = waiting.remove(runId);
        tenants.remove(runId);
        if (future != null) {
            future.completeExceptionally(failure);
        }
    }

    private void complete(RunView view) {
        CompletableFuture<RunView> future = waiting.remove(view.run().id());
        tenants.remove(view.run().id());
        if (future != null) {
            future.complete(view);
        }
    }
}
