package dev.baton.core.engine.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * Waiters and event followers of runs another node executes (cluster mode). A {@code RunsChanged} signal wakes the
 * followers of the named runs and re-reads the named waited-for runs ({@link #changed}); the poll does the same for
 * every remote run someone waits for or follows ({@link #sweep}), in case a signal was lost. Runs this node owns
 * are left to their coordinator and the local journal.
 *
 * <p>The poll is cheap when signals work: a remote run a signal had re-read (or whose followers it woke) since the
 * previous poll is skipped by the next one, so the poll reads only the runs no signal named lately, at most one
 * {@code find} each ({@code attempts} only once the run is finished). A run whose last signal was lost is still
 * read within two poll intervals. A {@code RunsChanged} for any run (after a reconnect) re-reads everything.
 *
 * <p>Thread-safety: safe for concurrent use; the store is read on the executor, never on the caller's thread.
 */
final class RemoteRuns {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteRuns.class);

    private final Completions completions;
    private final EventHub events;
    private final Predicate<String> owned;
    private final Executor executor;
    /** Waited-for or followed remote runs a signal had read since the last poll (cleared by every poll). */
    private final Set<String> readSinceLastPoll = ConcurrentHashMap.newKeySet();

    RemoteRuns(Completions completions, EventHub events, RunOwnership ownership, Executor executor) {
        this(completions, events, ownership::ownsId, executor);
    }

    /** @param owned whether this node owns a run (by id): its coordinator and the local journal report it */
    RemoteRuns(Completions completions, EventHub events, Predicate<String> owned, Executor executor) {
        this.completions = completions;
        this.events = events;
        this.owned = owned;
        this.executor = executor;
    }

    /** Journal entries of these runs became durable on some node (empty: any run). */
    void changed(Set<String> runIds) {
        execute(() -> {
            if (runIds.isEmpty()) {
                sweep(Set.of());
                return;
            }
            List<String> remote = runIds.stream().filter(id -> !owned.test(id)).toList();
            events.poke(remote);
            for (String runId : remote) {
                boolean followed = events.follows(runId);
                boolean waited = completions.isWaiting(runId);
                if ((followed || waited) && (!waited || recheck(runId))) {
                    readSinceLastPoll.add(runId);
                }
            }
        });
    }

    /**
     * The poll: re-reads every remote run someone waits for and wakes the followers of every remote run, except
     * those a signal read since the previous poll.
     */
    void sweep() {
        Set<String> fresh = Set.copyOf(readSinceLastPoll);
        readSinceLastPoll.removeAll(fresh);
        sweep(fresh);
    }

    private void sweep(Set<String> skipped) {
        events.pokeAll(id -> !owned.test(id) && !skipped.contains(id));
        for (String runId : completions.waitingRunIds()) {
            if (!skipped.contains(runId)) {
                recheck(runId);
            }
        }
    }

    /** Re-reads a waited-for run; whether the store answered. */
    private boolean recheck(String runId) {
        try {
            completions.recheck(runId);
            return true;
        } catch (RuntimeException e) {
            LOG.debug("run {} could not be read; the next poll tries again: {}", runId, e.getMessage());
            return false;
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
