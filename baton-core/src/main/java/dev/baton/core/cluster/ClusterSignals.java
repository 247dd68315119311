package dev.baton.core.cluster;

import java.util.function.Consumer;

/**
 * Wake-ups between the nodes sharing a store, so that new work, finished runs and cancels are noticed at once
 * rather than at the next poll. PostgreSQL implements it with {@code LISTEN/NOTIFY}; {@link #NONE} is for a
 * single node. Delivery is best effort: signals may be lost (for instance while the database restarts), so every
 * user also polls, less often.
 *
 * <p>Thread-safe.
 */
public interface ClusterSignals extends AutoCloseable {

    /** No other node: publishing does nothing and nothing is ever received. */
    ClusterSignals NONE = new ClusterSignals() {
        @Override
        public void publish(ClusterSignal signal) {
        }

        @Override
        public void subscribe(Consumer<ClusterSignal> listener) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Sends a signal to every node, this one included. Never blocks on the network and never throws: the
     * implementation queues and coalesces signals (several {@code RunsChanged} become one) and drops them when it
     * cannot send.
     */
    void publish(ClusterSignal signal);

    /**
     * Registers a listener of the signals of every node (this one included). Listeners are called on the
     * implementation's thread, in order: they must return quickly (post work elsewhere) and not throw.
     */
    void subscribe(Consumer<ClusterSignal> listener);

    /** Stops sending and receiving. */
    @Override
    void close();
}
