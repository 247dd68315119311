package dev.baton.core.engine.internal;

import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunStore;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Futures of callers waiting for runs to finish. A waiter gets the run's final view, read from the store after
 * {@code RunFinished} is durable. Thread-safe: a waiter registered while the run finishes is completed by
 * whichever of {@link #await} and {@link #runFinished} comes second.
 */
final class Completions {
    private final RunStore store;
    private final Map<String, CompletableFuture<RunView>> waiting = new ConcurrentHashMap<>();

    Completions(RunStore store) {
        this.store = store;
    }

    /**
     * A future of the run's final view (completed at once for a finished run).
     *
     * @throws BatonException NOT_FOUND for an unknown run
     */
    CompletableFuture<RunView> await(String tenantId, String runId) {
        Run run = store.find(tenantId, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        if (run.status().isTerminal()) {
            return CompletableFuture.completedFuture(new RunView(run, store.attempts(runId)));
        }
        CompletableFuture<RunView> future = waiting.computeIfAbsent(runId, id -> new CompletableFuture<>());
        // The run may have finished between the read above and the registration.
        store.find(tenantId, runId).filter(r -> r.status().isTerminal()).ifPresent(this::complete);
        return future.thenApply(view -> view); // callers cannot complete the shared future
    }

    /** The run's {@code RunFinished} is durable: completes its waiters, if any. */
    void runFinished(String tenantId, String runId) {
        if (waiting.containsKey(runId)) {
            store.find(tenantId, runId).ifPresent(this::complete);
        }
    }

    /** Completes the waiters of a run known to be finished. */
    void complete(Run finished) {
        CompletableFuture<RunView> future = waiting.remove(finished.id());
        if (future != null) {
            future.complete(new RunView(finished, store.attempts(finished.id())));
        }
    }
}
