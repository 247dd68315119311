package dev.baton.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL itself restarts under load: three node processes run a workflow while the database is stopped for
 * longer than a lease and started again on the same port and data. While it is down, clients calling any node
 * (start a run, read a run, readiness) get an answer quickly, a success or 503 with {@code Retry-After}, never a
 * hang; once it is back the nodes reconnect, every run a client saw accepted completes exactly once (journal
 * audited) and new runs are accepted again.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PostgresRestartTest {
    private static final String WORKFLOW = "chaos-pipeline";
    private static final Set<String> STEPS = Set.of("prepare", "pause", "notify", "combine");
    /** Generous: a call must not wait for the database to come back, but the machine is slow and shared. */
    private static final Duration CALL_BOUND = Duration.ofSeconds(15);
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    private static CountingSink sink;
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        long began = System.nanoTime();
        sink = CountingSink.start(7, 100);
        cluster = Cluster.start("postgres-restart", 3, "");
        // a longer durable sleep than the kill test's, so that the outage finds runs in every step
        cluster.register(NodeKillTest.workflow(sink, "1500ms"));
        System.out.printf("[postgres-restart] PostgreSQL and 3 nodes ready in %d ms (logs in %s)%n",
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

    private record Observed(String what, int node, ApiCall call) {
    }

    @Test
    void clients_get_quick_answers_while_postgres_is_down_and_accepted_runs_complete_after_it_restarts()
            throws Exception {
        long began = System.nanoTime();
        RunLoad load = new RunLoad(cluster, WORKFLOW, "pg", n -> ApiCall.JSON.createObjectNode().put("n", n));
        load.run(0, 300, Duration.ofMillis(5), 32);
        assertThat(load.refusals()).isEmpty();

        // PostgreSQL goes away for longer than a lease (3 s) while runs are in flight.
        int inFlight;
        try (Connection connection = cluster.postgres().connect()) {
            Map<String, Integer> before = ClusterRuns.byStatus(connection, WORKFLOW);
            inFlight = before.getOrDefault("queued", 0) + before.getOrDefault("running", 0);
        }
        cluster.postgres().stop();
        long stoppedAt = System.nanoTime();
        List<Observed> observed = new CopyOnWriteArrayList<>();
        Map<String, String> acceptedDuringOutage = new ConcurrentHashMap<>();
        AtomicInteger attempt = new AtomicInteger();
        List<String> known = List.copyOf(load.runIds().values());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 6; c++) {
                int client = c;
                clients.submit(() -> {
                    while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
                        int k = attempt.getAndIncrement();
                        NodeProcess node = cluster.nodes().get(k % 3);
                        ApiCall call = switch (client % 3) {
                            case 0 -> {
                                String key = "pg-outage-" + k;
                                ApiCall start = cluster.startRun(node, WORKFLOW,
                                        ApiCall.JSON.createObjectNode().put("n", 100_000 + k), key);
                                if (start.status() >= 200 && start.status() < 300) {
                                    acceptedDuringOutage.put(start.body().path("id").asText(), key);
                                }
                                yield start;
                            }
                            case 1 -> cluster.run(node, known.get(k % known.size()));
                            default -> ApiCall.get(cluster.client(), node.root().resolve("/health/ready"));
                        };
                        observed.add(new Observed(switch (client % 3) {
                            case 0 -> "start";
                            case 1 -> "get run";
                            default -> "ready";
                        }, node.index(), call));
                        Thread.sleep(50);
                    }
                    return null;
                });
            }
        }
        cluster.postgres().start();
        long restartedAt = System.nanoTime();
        System.out.printf("[postgres-restart] PostgreSQL down for %d ms with %d runs in flight; %d calls meanwhile:"
                          + " %s%n", (restartedAt - stoppedAt) / 1_000_000, inFlight, observed.size(),
                summary(observed));
        assertThat(inFlight).as("runs queued or running when PostgreSQL stopped").isPositive();

        assertThat(observed).as("calls while PostgreSQL was down").isNotEmpty();
        assertThat(observed).as("every call answered within " + CALL_BOUND).allSatisfy(o -> {
            assertThat(o.call().answered()).as(o.what() + " on node " + o.node() + ": " + o.call()).isTrue();
            assertThat(o.call().millis()).as(o.what() + " on node " + o.node() + ": " + o.call())
                    .isLessThan(CALL_BOUND.toMillis());
        });
        assertThat(observed).as("answers: a success, or 503 with Retry-After").allSatisfy(o -> {
            int status = o.call().status();
            assertThat(status).as(o.what() + " on node " + o.node() + ": " + o.call()).isIn(200, 201, 202, 503);
            if (status == 503) {
                assertThat(o.call().retryAfter()).as("Retry-After of " + o.what() + ": " + o.call()).isPresent();
            }
        });
        assertThat(observed.stream().filter(o -> o.what().equals("start") && o.call().status() == 503))
                .as("starts refused with 503 while the database was down").isNotEmpty();

        // Back: every node is ready again, and takes new runs.
        for (NodeProcess node : cluster.nodes()) {
            node.awaitReady(Duration.ofSeconds(60));
        }
        System.out.printf("[postgres-restart] all nodes ready %d ms after PostgreSQL restarted%n",
                (System.nanoTime() - restartedAt) / 1_000_000);
        load.run(300, 400, Duration.ofMillis(5), 32);
        assertThat(load.refusals()).isEmpty();

        int expected = load.accepted() + acceptedDuringOutage.size();
        Map<String, Integer> counts = ClusterRuns.awaitFinished(cluster.postgres(), WORKFLOW, expected,
                Duration.ofMinutes(2));
        System.out.printf("[postgres-restart] runs finished %d ms after PostgreSQL restarted: %s%n",
                (System.nanoTime() - restartedAt) / 1_000_000, counts);
        assertThat(counts).as("runs by status").isEqualTo(Map.of("succeeded", expected));

        JournalAudit.Result audit;
        try (Connection connection = cluster.postgres().connect()) {
            audit = JournalAudit.audit(connection, WORKFLOW, STEPS);
        }
        assertThat(audit.violations()).as("journal and attempt violations").isEmpty();
        Set<String> accepted = new java.util.HashSet<>(load.runIds().values());
        accepted.addAll(acceptedDuringOutage.keySet());
        assertThat(audit.statuses().keySet()).as("runs in the store: exactly the accepted ones")
                .containsExactlyInAnyOrderElementsOf(accepted);
        Map<String, Integer> effects = sink.counts();
        assertThat(effects.keySet()).as("idempotency keys the service saw")
                .isEqualTo(accepted.stream().map(id -> id + "/notify").collect(Collectors.toSet()));
        assertThat(effects).as("effects beyond the step's attempts").allSatisfy((key, count) -> assertThat(count)
                .isLessThanOrEqualTo(audit.attemptsOf(key.substring(0, key.indexOf('/')), "notify")));
        System.out.printf("[postgres-restart] %d runs audited, %d attempts interrupted, %d effects executed twice;"
                          + " test took %d ms%n", audit.runs(), audit.interrupted(),
                effects.values().stream().filter(c -> c > 1).count(), (System.nanoTime() - began) / 1_000_000);
    }

    /** "start: 503×40 (max 2100 ms), ..." per kind of call. */
    private static String summary(List<Observed> observed) {
        Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();
        Map<String, Long> slowest = new TreeMap<>();
        for (Observed o : observed) {
            byKind.computeIfAbsent(o.what(), k -> new TreeMap<>()).merge(o.call().status(), 1, Integer::sum);
            slowest.merge(o.what(), o.call().millis(), Math::max);
        }
        return byKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " (slowest "
                + slowest.get(e.getKey()) + " ms)").collect(Collectors.joining(", "));
    }
}
