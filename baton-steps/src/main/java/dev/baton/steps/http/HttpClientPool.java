package dev.baton.steps.http;

import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A fixed number of {@link HttpClient}s handed out round-robin, each created on first use.
 *
 * <p>Why more than one: every JDK {@code HttpClient} serialises the bookkeeping of all its exchanges (timer
 * registration and cancellation for request and connect timeouts, connection-pool and selector registration)
 * behind locks of its one {@code SelectorManager}. With thousands of concurrent requests on one client, threads
 * queue on those locks long enough that connects time out (measured: 762 of 10,000 concurrent runs failed with
 * "connect timed out" on one client, 2 cores). Spreading exchanges over a few independent clients divides that
 * contention; each client keeps its own connection pool, so keep-alive reuse is per client.
 *
 * <p>Clients are built lazily, so a node that never calls HTTP pays nothing at start-up. Thread-safe and
 * lock-free: concurrent first uses of a slot may build two clients, and the loser is shut down.
 */
final class HttpClientPool implements AutoCloseable {
    private final AtomicReferenceArray<HttpClient> clients;
    private final Supplier<HttpClient> factory;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param size    number of clients (1..256)
     * @param factory builds one client; called at most once per slot that wins its race
     */
    HttpClientPool(int size, Supplier<HttpClient> factory) {
        if (size < 1 || size > HttpStepSettings.MAX_CLIENTS) {
            throw new IllegalArgumentException("size must be in 1.." + HttpStepSettings.MAX_CLIENTS + ", got " + size);
        }
        this.clients = new AtomicReferenceArray<>(size);
        this.factory = factory;
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
    HttpClient next() {
        if (closed.get()) {
            throw new IllegalStateException("the http step has been closed");
        }
        int slot = Math.floorMod(next.getAndIncrement(), clients.length());
        HttpClient client = clients.get(slot);
        if (client != null) {
            return client;
        }
        HttpClient built = factory.get();
        if (clients.compareAndSet(slot, null, built)) {
            if (closed.get()) {
                built.shutdownNow();
                throw new IllegalStateException("the http step has been closed");
            }
            return built;
        }
        built.shutdownNow();
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
                HttpClient client = clients.getAndSet(i, null);
                if (client != null) {
                    client.shutdownNow();
                }
            }
        }
    }
}
