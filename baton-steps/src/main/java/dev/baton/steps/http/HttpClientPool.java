package dev.baton.steps.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A fixed number of HTTP clients handed out round-robin, each created on first use.
 *
 * <p>Why more than one: the http step first ran on the JDK's {@code HttpClient}, and every JDK client serialises
 * the bookkeeping of all its exchanges (timer
 * registration and cancellation for request and connect timeouts, connection-pool and selector registration)
 * behind locks of its one {@code SelectorManager}. With thousands of concurrent requests on one client, threads
 * queue on those locks long enough that connects time out (measured: 762 of 10,000 concurrent runs failed with
 * "connect timed out" on one client, 2 cores). Spreading exchanges over a few independent clients divides that
 * contention; each client keeps its own connection pool, so keep-alive reuse is per client. The step now runs on
 * Jetty's client (for its address resolver, see {@link EgressResolver}), whose bookkeeping is per destination
 * rather than per client; spreading still divides the per-destination connection pool and request queue, so the
 * setting keeps its meaning.
 *
 * <p>Clients are built lazily, so a node that never calls HTTP pays nothing at start-up. Thread-safe and
 * lock-free: concurrent first uses of a slot may build two clients, and the loser is shut down.
 */
final class HttpClientPool<C> implements AutoCloseable {
    private final AtomicReferenceArray<C> clients;
    private final Supplier<C> factory;
    private final Consumer<C> closer;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param size    number of clients (1..256)
     * @param factory builds one client; called at most once per slot that wins its race
     * @param closer  shuts a client down, aborting its exchanges in flight
     */
    HttpClientPool(int size, Supplier<C> factory, Consumer<C> closer) {
        if (size < 1 || size > HttpStepSettings.MAX_CLIENTS) {
            throw new IllegalArgumentException("size must be in 1.." + HttpStepSettings.MAX_CLIENTS + ", got " + size);
        }
        this.clients = new AtomicReferenceArray<>(size);
        this.factory = factory;
        this.closer = closer;
    }

    /** The number of slots. */
    int size() {
        return clients.length();
    }

    /**
     * The next client in round-robin order, building it on first use.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    C next() {
        if (closed.get()) {
            throw new IllegalStateException("the http step has been closed");
        }
        int slot = Math.floorMod(next.getAndIncrement(), clients.length());
        C client = clients.get(slot);
        if (client != null) {
            return client;
        }
        C built = factory.get();
        if (clients.compareAndSet(slot, null, built)) {
            if (closed.get()) {
                closer.accept(built);
                throw new IllegalStateException("the http step has been closed");
            }
            return built;
        }
        closer.accept(built);
        return clients.get(slot);
    }

    /** How many clients have been built so far (for tests and diagnostics). */
    int built() {
        int count = 0;
        for (int i = 0; i < clients.length(); i++) {
            if (clients.get(i) != null) {
                count++;
            }
        }
        return count;
    }

    /** Shuts every built client down, aborting exchanges in flight. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (int i = 0; i < clients.length(); i++) {
                C client = clients.getAndSet(i, null);
                if (client != null) {
                    closer.accept(client);
                }
            }
        }
    }
}
