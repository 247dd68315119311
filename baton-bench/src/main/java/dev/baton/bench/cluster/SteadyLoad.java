package dev.baton.bench.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps about {@code target} runs of one workflow unfinished: every 100 ms it counts the queued and running runs
 * in the store and starts the missing ones (asynchronously, 202) through the live nodes in turn. Nodes can be
 * taken out ({@link #remove}) when they are killed. Runs on a virtual thread until {@link #close()}.
 */
final class SteadyLoad implements AutoCloseable {
    private final List<RunClient> clients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread thread;
    private volatile String lastError = "";

    SteadyLoad(Connection db, List<RunClient> clients, String workflow, int target) {
        this.clients = new CopyOnWriteArrayList<>(clients);
        this.thread = Thread.ofVirtual().name("steady-load").start(() -> loop(db, workflow, target));
    }

    private void loop(Connection db, String workflow, int target) {
        int next = 0;
        try (PreparedStatement query = db.prepareStatement(
                "SELECT count(*) FROM runs WHERE status IN ('queued', 'running') AND workflow_id = ?")) {
            query.setString(1, workflow);
            while (running.get()) {
                long unfinished;
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    unfinished = rows.getLong(1);
                }
                for (long i = unfinished; i < target && running.get(); i++) {
                    RunClient client = clients.get(next++ % clients.size());
                    try {
                        client.start(workflow, Duration.ZERO);
                        started.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        lastError = e.toString();
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastError = e.toString();
        }
    }

    /** Stops sending starts to {@code client} (its node was killed). */
    void remove(RunClient client) {
        clients.remove(client);
    }

    int started() {
        return started.get();
    }

    int failed() {
        return failed.get();
    }

    String lastError() {
        return lastError;
    }

    /** Stops starting runs and waits for the loop to end. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(Duration.ofSeconds(70));
    }
}
