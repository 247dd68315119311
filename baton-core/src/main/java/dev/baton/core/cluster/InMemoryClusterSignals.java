package dev.baton.core.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * A signal bus inside one JVM, for several engines sharing an in-memory store as the nodes of a cluster (tests,
 * trials): each engine {@link #join() joins} and gets its own {@link ClusterSignals}; a signal published by any
 * member reaches every member (the publisher included), each on the member's own delivery thread, in publishing
 * order. {@link #dropSignals(boolean)} loses signals on purpose, to test that nodes still make progress by polling.
 *
 * <p>Thread-safe. Publishing never blocks.
 */
public final class InMemoryClusterSignals {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryClusterSignals.class);

    private final List<Member> members = new CopyOnWriteArrayList<>();
    private volatile boolean dropping;

    /** A new member of the bus; close it to leave. */
    public ClusterSignals join() {
        Member member = new Member();
        members.add(member);
        return member;
    }

    /** While {@code true}, every published signal is lost (as over a broken database connection). */
    public void dropSignals(boolean value) {
        dropping = value;
    }

    private void publishToAll(ClusterSignal signal) {
        Objects.requireNonNull(signal, "signal");
        if (dropping) {
            return;
        }
        for (Member member : members) {
            member.deliver(signal);
        }
    }

    private final class Member implements ClusterSignals {
        private final List<Consumer<ClusterSignal>> listeners = new CopyOnWriteArrayList<>();
        /** One thread per member: its listeners see signals in order. */
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("baton-signals").factory());

        @Override
        public void publish(ClusterSignal signal) {
            publishToAll(signal);
        }

        @Override
        public void subscribe(Consumer<ClusterSignal> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
        }

        void deliver(ClusterSignal signal) {
            try {
                delivery.execute(() -> {
                    for (Consumer<ClusterSignal> listener : listeners) {
                        try {
                            listener.accept(signal);
                        } catch (RuntimeException e) {
                            LOG.warn("a cluster signal listener failed", e);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                // closed meanwhile: a closed member receives nothing
            }
        }

        @Override
        public void close() {
            members.remove(this);
            delivery.shutdown();
        }
    }
}
