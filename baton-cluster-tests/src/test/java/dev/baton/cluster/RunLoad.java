package dev.baton.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Starts runs {@code from..to-1} of one workflow through the nodes' APIs the way a client behind a load balancer
 * would: run {@code i} goes to node {@code i mod size} with {@code Idempotency-Key: <prefix>-<i>}; when that node
 * does not answer (killed), answers 5xx or 429, the client tries the next node with the same key, so a start
 * whose answer was lost is never started twice. Run {@code i} is not sent before {@code i × interval} after
 * {@link #run} began (a steady rate), at most {@code concurrency} at once.
 *
 * <p>Thread-safe: {@link #accepted()} and {@link #runIds()} may be read while it runs.
 */
final class RunLoad {
    private final Cluster cluster;
    private final String workflowId;
    private final String keyPrefix;
    private final IntFunction<JsonNode> inputs;
    private final Map<Integer, String> runIds = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> acceptedBy = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger redirected = new AtomicInteger();
    private final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

    RunLoad(Cluster cluster, String workflowId, String keyPrefix, IntFunction<JsonNode> inputs) {
        this.cluster = cluster;
        this.workflowId = workflowId;
        this.keyPrefix = keyPrefix;
        this.inputs = inputs;
    }

    /** Starts runs {@code from..to-1}; returns when each was accepted or refused by every node for 60 s. */
    void run(int from, int to, Duration interval, int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        long began = System.nanoTime();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = from; i < to; i++) {
                long due = began + interval.toNanos() * (i - from);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                permits.acquire();
                int run = i;
                clients.submit(() -> {
                    try {
                        start(run);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    private void start(int run) {
        List<NodeProcess> nodes = cluster.nodes();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String key = keyPrefix + "-" + run;
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            NodeProcess node = nodes.get((run + attempt) % nodes.size());
            ApiCall call = cluster.startRun(node, workflowId, inputs.apply(run), key);
            if (call.status() == 201 || call.status() == 202 || call.status() == 200) {
                runIds.put(run, call.body().path("id").asText());
                acceptedBy.put(run, node.index());
                accepted.incrementAndGet();
                return;
            }
            if (call.answered() && call.status() < 500 && call.status() != 429) {
                refusals.add("run " + run + " on node " + node.index() + ": " + call);
                return;
            }
            redirected.incrementAndGet();
            if (attempt % nodes.size() == nodes.size() - 1) {
                try {
                    Thread.sleep(200); // every node refused: back off a little
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        refusals.add("run " + run + ": no node accepted it within 60 s");
    }

    /** Runs accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Starts sent again to another node (no answer, 5xx or 429). */
    int redirected() {
        return redirected.get();
    }

    /** Run number → run id of every accepted run. */
    Map<Integer, String> runIds() {
        return Map.copyOf(runIds);
    }

    /** Run number → the node (1-based) that accepted it. */
    Map<Integer, Integer> acceptedBy() {
        return Map.copyOf(acceptedBy);
    }

    /** Starts refused with a 4xx other than 429, or by every node for 60 s. */
    List<String> refusals() {
        return List.copyOf(refusals);
    }
}
