package dev.baton.core.engine.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Waiters and event followers of runs another node executes (cluster mode). A {@code RunsChanged} signal wakes the
 * followers of the named runs and re-reads the named waited-for runs ({@link #changed}); the poll does the same for
 * every remote run someone waits for or follows ({@link #sweep}), in case a signal was lost. Runs this node owns
 * are left to their coordinator and the local journal.
 *
 * <p>Thread-safety: safe for concurrent use; the store is read on the executor, never on the caller's thread.
 */
final class RemoteRuns {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteRuns.class);

    private final Completions completions;
    private final EventHub events;
    private final RunOwnership ownership;
    private final Executor executor;

    RemoteRuns(Completions completions, EventHub events, RunOwnership ownership, Executor executor) {
        this.completions = completions;
        this.events = events;
        this.ownership = ownership;
        this.executor = executor;
    }

    /** Journal entries of these runs became durable on some node (empty: any run). */
    void changed(Set<String> runIds) {
        execute(() -> {
            if (runIds.isEmpty()) {
                sweep();
                return;
            }
            List<String> remote = runIds.stream().filter(id -> !ownership.ownsId(id)).toList();
            events.poke(remote);
            remote.forEach(this::recheck);
        });
    }

    /** Re-reads every remote run someone waits for and wakes the followers of every remote run (the poll). */
    void sweep() {
        events.pokeAll(id -> !ownership.ownsId(id));
        completions.waitingRunIds().forEach(this::recheck);
    }

    private void recheck(String runId) {
        try {
            completions.recheck(runId);
        } catch (RuntimeException e) {
            LOG.debug("run {} could not be read; the next poll tries again: {}", runId, e.getMessage());
        }
    }

    private void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }
}
