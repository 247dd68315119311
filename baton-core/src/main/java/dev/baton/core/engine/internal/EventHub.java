package dev.baton.core.engine.internal;

import dev.baton.core.engine.Engine;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.RunEvent;
import dev.baton.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Live run events. A follower first reads the stored events after its sequence, then is woken whenever a journal
 * batch touching its run becomes durable and reads the new events from the store: the store assigns sequence
 * numbers, so live and replayed events are the same records. A follower ends after delivering
 * {@code RunFinished}. Each follower delivers on its own mailbox, in order. In a cluster, followers of runs written
 * by other nodes are woken by their signals ({@link #poke}) and by the poll ({@link #pokeAll}).
 */
final class EventHub {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    private static final int PAGE = 500;

    private final RunStore store;
    private final Executor executor;
    private final Map<String, Set<Follower>> followers = new ConcurrentHashMap<>();

    EventHub(RunStore store, Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    Engine.Subscription subscribe(String runId, long afterSequence, Consumer<RunEvent> listener) {
        Follower follower = new Follower(runId, afterSequence, listener);
        followers.compute(runId, (id, set) -> {
            Set<Follower> target = set == null ? new CopyOnWriteArraySet<>() : set;
            target.add(follower);
            return target;
        });
        follower.poke();
        return follower::close;
    }

    /** Called by the journal after each durable batch. */
    void onDurable(List<JournalEntry> entries) {
        if (followers.isEmpty()) {
            return;
        }
        entries.stream().map(JournalEntry::runId).distinct().forEach(runId -> {
            Set<Follower> set = followers.get(runId);
            if (set != null) {
                set.forEach(Follower::poke);
            }
        });
    }

    /** Wakes the followers of these runs (their events may have been written by another node). */
    void poke(Collection<String> runIds) {
        for (String runId : runIds) {
            Set<Follower> set = followers.get(runId);
            if (set != null) {
                set.forEach(Follower::poke);
            }
        }
    }

    /** Wakes the followers of every followed run that passes {@code filter} (the poll fallback). */
    void pokeAll(Predicate<String> filter) {
        followers.forEach((runId, set) -> {
            if (filter.test(runId)) {
                set.forEach(Follower::poke);
            }
        });
    }

    /** The followed runs. */
    Set<String> followedRunIds() {
        return Set.copyOf(followers.keySet());
    }

    private final class Follower {
        private final String runId;
        private final Consumer<RunEvent> listener;
        private final Mailbox mailbox = new Mailbox(executor);
        private long last;
        private volatile boolean closed;

        Follower(String runId, long afterSequence, Consumer<RunEvent> listener) {
            this.runId = runId;
            this.last = afterSequence;
            this.listener = listener;
        }

        void poke() {
            mailbox.execute(this::pull);
        }

        private void pull() {
            long backoffMillis = 10;
            while (!closed) {
                List<RunEvent> events;
                try {
                    events = store.events(runId, last, PAGE);
                } catch (BatonException e) {
                    if (!e.retriable() || backoffMillis > 1000) {
                        LOG.warn("events of run {} cannot be read; unsubscribing: {}", runId, e.getMessage());
                        close();
                        return;
                    }
                    // No later batch may wake this follower (the run may be over): retry here, on its own thread.
                    try {
                        Thread.sleep(backoffMillis);
                    } catch (InterruptedException interrupted) {
                        close();
                        return;
                    }
                    backoffMillis *= 2;
                    continue;
                }
                for (RunEvent event : events) {
                    if (closed) {
                        return;
                    }
                    last = event.sequence();
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.warn("event listener of run {} failed; unsubscribing", runId, e);
                        close();
                        return;
                    }
                    if (event.entry() instanceof JournalEntry.RunFinished) {
                        close();
                        return;
                    }
                }
                if (events.size() < PAGE) {
                    return;
                }
            }
        }

        void close() {
            closed = true;
            followers.computeIfPresent(runId, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }
}
