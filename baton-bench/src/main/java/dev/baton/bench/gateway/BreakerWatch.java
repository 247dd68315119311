package dev.baton.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Polls {@code GET /api/v1/gateway/deployments/{id}} of some deployments every few milliseconds while a load runs
 * and notes every change of breaker state it sees, with the deployment's own counters ({@code requests},
 * {@code failures}: calls the router made to it since start) at that moment. A state that lasts less than the
 * poll interval can be missed; the counters are exact, since an open breaker admits no calls.
 */
final class BreakerWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One observed change.
     *
     * @param deployment   deployment id
     * @param from         previous state ({@code closed} at start)
     * @param to           new state
     * @param atMillis     ms since {@link #start()}, when the poll saw it
     * @param requests     the deployment's calls so far
     * @param failures     of which failed
     * @param clientDone   client requests finished by then
     */
    record Transition(String deployment, String from, String to, double atMillis, long requests, long failures,
                      long clientDone) {
        String format() {
            return String.format(Locale.ROOT, "%-8s %-9s -> %-9s at %8.1f ms after the first request; the deployment"
                    + " had taken %d calls (%d failed); client requests finished: %d", deployment, from, to, atMillis,
                    requests, failures, clientDone);
        }
    }

    private final BatonProcess baton;
    private final List<String> deployments;
    private final long pollMillis;
    private final LongSupplier clientDone;
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();
    private final Map<String, String> states = new HashMap<>();
    private volatile long startNanos;
    private volatile boolean stopped;
    private Thread poller;
    private volatile long polls;

    BreakerWatch(BatonProcess baton, List<String> deployments, long pollMillis, LongSupplier clientDone) {
        this.baton = baton;
        this.deployments = List.copyOf(deployments);
        this.pollMillis = pollMillis;
        this.clientDone = clientDone;
    }

    /** Starts polling; times are measured from now. */
    void start() throws Exception {
        for (String id : deployments) {
            states.put(id, JSON.readTree(baton.get("/api/v1/gateway/deployments/" + id)).path("breaker").asText());
        }
        startNanos = System.nanoTime();
        poller = Thread.ofPlatform().daemon().name("breaker-watch").start(this::poll);
    }

    private void poll() {
        while (!stopped) {
            for (String id : deployments) {
                try {
                    JsonNode status = JSON.readTree(baton.get("/api/v1/gateway/deployments/" + id));
                    double at = (System.nanoTime() - startNanos) / 1e6;
                    String state = status.path("breaker").asText();
                    String before = states.put(id, state);
                    if (!state.equals(before)) {
                        transitions.add(new Transition(id, before, state, at, status.path("requests").asLong(),
                                status.path("failures").asLong(), clientDone.getAsLong()));
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.err.println("breaker watch: " + e);
                }
            }
            polls++;
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The changes seen, in order. */
    List<Transition> transitions() {
        return new ArrayList<>(transitions);
    }

    /** The first time {@code deployment}'s breaker left {@code closed}, if it did. */
    Transition firstOpen(String deployment) {
        return transitions.stream().filter(t -> t.deployment().equals(deployment) && t.from().equals("closed"))
                .findFirst().orElse(null);
    }

    long polls() {
        return polls;
    }

    @Override
    public void close() {
        stopped = true;
        if (poller != null) {
            try {
                poller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
