package dev.baton.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof: three node processes on one PostgreSQL, 1,000 runs of a four-step workflow (a transform, then
 * a durable sleep in parallel with an {@code http} POST to a counting service, then a transform) started through
 * all three APIs; node 2 is killed with SIGKILL while its runs are in flight and started again later. Every run
 * succeeds, every step has exactly one succeeded attempt, each run's journal is consistent, the service saw each
 * run's effect under one idempotency key (more than once only for attempts cut by the kill), and the runs node 2
 * held were finished by the other nodes.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class NodeKillTest {
    private static final String WORKFLOW = "chaos-pipeline";
    private static final Set<String> STEPS = Set.of("prepare", "pause", "notify", "combine");
    private static final int RUNS = 1000;
    private static final int BEFORE_RESTART = 900;
    private static final int KILL_AFTER = 350;

    private static CountingSink sink;
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        long began = System.nanoTime();
        sink = CountingSink.start(42, 150);
        cluster = Cluster.start("node-kill", 3, "");
        cluster.register(workflow(sink, "50ms"));
        System.out.printf("[node-kill] PostgreSQL and 3 nodes ready in %d ms (logs in %s)%n",
                (System.nanoTime() - began) / 1_000_000, cluster.directory());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    /** The four-step workflow whose {@code http} step posts to {@code sink}, pausing {@code sleep} in parallel. */
    static String workflow(CountingSink sink, String sleep) {
        return """
                id: %s
                inputs:
                  type: object
                  properties:
                    n: {type: integer}
                  required: [n]
                steps:
                  prepare:
                    uses: transform
                    with:
                      value: {n: "{{ inputs.n }}", label: "run {{ inputs.n }}"}
                  pause:
                    uses: sleep
                    needs: prepare
                    with: {duration: %s}
                  notify:
                    uses: http
                    timeout: 10s
                    retry: {maxAttempts: 5, backoff: exponential, initialDelay: 100ms}
                    with:
                      url: "%s"
                      method: POST
                      body: {n: "{{ steps.prepare.output.n }}"}
                  combine:
                    uses: transform
                    needs: pause
                    with:
                      value: {n: "{{ steps.prepare.output.n }}", key: "{{ steps.notify.output.body.key }}"}
                outputs:
                  n: "{{ steps.combine.output.n }}"
                  key: "{{ steps.combine.output.key }}"
                """.formatted(WORKFLOW, sleep, sink.url());
    }

    @Test
    void every_run_completes_exactly_once_when_a_node_is_killed_mid_run_and_restarted() throws Exception {
        long began = System.nanoTime();
        RunLoad load = new RunLoad(cluster, WORKFLOW, "kill",
                n -> ApiCall.JSON.createObjectNode().put("n", n));
        NodeProcess victim = cluster.node(2);
        String victimId = victim.nodeId();

        // Phase 1: 900 runs at ~100/s through all nodes; node 2 is killed once 350 were accepted.
        Map<String, String> orphans;
        long killedAt;
        try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
            var phase1 = background.submit(() -> {
                load.run(0, BEFORE_RESTART, Duration.ofMillis(10), 32);
                return null;
            });
            while (load.accepted() < KILL_AFTER) {
                Thread.sleep(5);
            }
            victim.kill();
            killedAt = System.nanoTime();
            try (Connection connection = cluster.postgres().connect()) {
                orphans = ClusterRuns.unfinishedOwnedBy(connection, victimId);
            }
            System.out.printf("[node-kill] killed node 2 (%s) after %d accepted runs; it held %d unfinished runs%n",
                    victimId, load.accepted(), orphans.size());
            assertThat(orphans).as("runs node 2 held when it was killed (the kill must land mid-run)").isNotEmpty();

            // The other nodes take the dead node's runs over once its leases expire (3 s).
            Map<String, String> left = awaitTakeover(victimId, Duration.ofSeconds(30));
            long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("[node-kill] node 2's runs all taken over or finished %d ms after the kill%n",
                    failoverMillis);
            assertThat(left).as("runs still leased to the dead node 30 s after the kill").isEmpty();
            phase1.get();
        }
        try (Connection connection = cluster.postgres().connect()) {
            Map<String, String> owners = ClusterRuns.ownership(connection, orphans.keySet());
            assertThat(owners.values()).as("node 2's runs after the takeover: finished or leased by another node")
                    .allSatisfy(statusAndOwner -> assertThat(statusAndOwner).doesNotEndWith(" " + victimId));
        }

        // Phase 2: node 2 starts again (a new node id) and takes part in the last 100 runs.
        long restarting = System.nanoTime();
        cluster.restart(victim);
        System.out.printf("[node-kill] node 2 restarted as %s in %d ms%n", victim.nodeId(),
                (System.nanoTime() - restarting) / 1_000_000);
        load.run(BEFORE_RESTART, RUNS, Duration.ofMillis(5), 32);
        assertThat(load.refusals()).as("starts refused").isEmpty();
        assertThat(load.accepted()).isEqualTo(RUNS);
        assertThat(load.acceptedBy().entrySet().stream()
                .filter(run -> run.getKey() >= BEFORE_RESTART && run.getValue() == 2).count())
                .as("runs accepted by node 2 after its restart").isPositive();

        Map<String, Integer> counts = ClusterRuns.awaitFinished(cluster.postgres(), WORKFLOW, RUNS,
                Duration.ofMinutes(3));
        System.out.printf("[node-kill] all runs finished %d ms after the first start: %s%n",
                (System.nanoTime() - began) / 1_000_000, counts);
        assertThat(counts).as("runs by status").isEqualTo(Map.of("succeeded", RUNS));

        assertEveryRunSucceededThroughTheApi(load.runIds());
        JournalAudit.Result audit;
        try (Connection connection = cluster.postgres().connect()) {
            audit = JournalAudit.audit(connection, WORKFLOW, STEPS);
        }
        assertThat(audit.runs()).isEqualTo(RUNS);
        assertThat(audit.violations()).as("journal and attempt violations").isEmpty();
        assertThat(audit.statuses().keySet()).containsExactlyInAnyOrderElementsOf(load.runIds().values());
        assertEffectsOncePerRun(load.runIds().values(), audit);
        System.out.printf("[node-kill] %d journal events audited; %d attempts interrupted by the kill and retried;"
                          + " %d starts redirected to another node; test took %d ms%n", audit.events(),
                audit.interrupted(), load.redirected(), (System.nanoTime() - began) / 1_000_000);
    }

    /** Polls until the dead node holds no unfinished run; returns what it still holds at the end. */
    private static Map<String, String> awaitTakeover(String deadNode, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<String, String> left;
        do {
            Thread.sleep(100);
            try (Connection connection = cluster.postgres().connect()) {
                left = ClusterRuns.unfinishedOwnedBy(connection, deadNode);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        return left;
    }

    /** Every run read back through the API, spread over the three nodes: succeeded, with its own outputs. */
    private static void assertEveryRunSucceededThroughTheApi(Map<Integer, String> runIds) throws Exception {
        Map<Integer, String> wrong = new ConcurrentHashMap<>();
        try (ExecutorService readers = Executors.newFixedThreadPool(8, Thread.ofVirtual().factory())) {
            runIds.forEach((n, id) -> readers.submit(() -> {
                ApiCall call = cluster.run(cluster.nodes().get(n % 3), id);
                JsonNode outputs = call.body().path("outputs");
                if (call.status() != 200 || !"succeeded".equals(call.body().path("status").asText())
                        || outputs.path("n").asInt(-1) != n || !(id + "/notify").equals(outputs.path("key").asText())) {
                    wrong.put(n, call.toString());
                }
            }));
        }
        assertThat(wrong).as("runs not succeeded with their outputs through the API").isEmpty();
    }

    /**
     * The counting service saw exactly the runs' keys ({@code <run id>/notify}), each at least once, and more
     * than once only when the step had as many attempts (an attempt cut by the kill ran again).
     */
    private static void assertEffectsOncePerRun(java.util.Collection<String> runIds, JournalAudit.Result audit) {
        Map<String, Integer> effects = sink.counts();
        Set<String> expected = runIds.stream().map(id -> id + "/notify").collect(Collectors.toSet());
        assertThat(effects.keySet()).as("idempotency keys the service saw").isEqualTo(expected);
        List<String> excess = new ArrayList<>();
        Map<Integer, Integer> histogram = new HashMap<>();
        effects.forEach((key, count) -> {
            String runId = key.substring(0, key.length() - "/notify".length());
            histogram.merge(count, 1, Integer::sum);
            if (count > audit.attemptsOf(runId, "notify")) {
                excess.add(key + ": " + count + " requests for " + audit.attemptsOf(runId, "notify") + " attempts");
            }
        });
        assertThat(excess).as("effects beyond the step's attempts").isEmpty();
        long twice = effects.values().stream().filter(count -> count >= 2).count();
        System.out.printf("[node-kill] the service saw %d distinct keys; requests per key: %s; %d effects executed"
                          + " at least twice (attempts interrupted by the kill)%n", effects.size(), histogram, twice);
    }
}
