package dev.baton.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Three (or {@code size}) Baton nodes on one {@link ClusterPostgres}, all under {@code target/cluster-tests/<name>/}
 * (wiped at start): {@code postgres/} (data directory and log) and {@code node-<n>/} (configuration, data directory,
 * {@code node-<n>.log}).
 *
 * <p>Nodes are configured by a YAML file: the PostgreSQL store, loopback listener, no embedding model, a short
 * lease ({@code cluster.leaseTtl}, heartbeats, poll) so failover is quick, plus the test's own lines. Node ids are
 * {@code <name>-<n>-<generation>}: a restarted node is a new node. Not thread-safe, apart from the API helpers.
 */
final class Cluster implements AutoCloseable {
    /** Time a node may take from process start to ready on a loaded 2-core machine. */
    static final Duration START_BOUND = Duration.ofMinutes(2);

    private final String name;
    private final Path directory;
    private final ClusterPostgres postgres;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final int[] generations;
    private final String extraYaml;
    private final HttpClient client = ApiCall.newClient();

    private Cluster(String name, Path directory, ClusterPostgres postgres, int size, String extraYaml) {
        this.name = name;
        this.directory = directory;
        this.postgres = postgres;
        this.generations = new int[size];
        this.extraYaml = extraYaml;
        for (int i = 0; i < size; i++) {
            nodes.add(new NodeProcess(i + 1, directory.resolve("node-" + (i + 1)), freePort()));
        }
    }

    /** Starts PostgreSQL, then all nodes at once, and waits until every node is ready. */
    static Cluster start(String name, int size, String extraYaml) throws Exception {
        Path directory = Path.of("target", "cluster-tests", name).toAbsolutePath();
        deleteTree(directory);
        ClusterPostgres postgres = ClusterPostgres.start(directory.resolve("postgres"));
        Cluster cluster = new Cluster(name, directory, postgres, size, extraYaml);
        try {
            for (NodeProcess node : cluster.nodes) {
                cluster.launch(node);
            }
            try (ExecutorService waiting = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> ready = new ArrayList<>();
                for (NodeProcess node : cluster.nodes) {
                    ready.add(waiting.submit(() -> {
                        node.awaitReady(START_BOUND);
                        return null;
                    }));
                }
                for (Future<?> each : ready) {
                    each.get();
                }
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(NodeProcess node) {
        int generation = ++generations[node.index() - 1];
        node.start(name + "-" + node.index() + "-" + generation, configuration(name + "-" + node.index() + "-"
                + generation));
    }

    private String configuration(String nodeId) {
        return """
                store:
                  type: postgresql
                  url: %s
                  user: postgres
                  password: ""
                  poolSize: 16
                  connectionTimeout: 2s
                ai:
                  enabled: false
                cluster:
                  nodeId: %s
                  leaseTtl: 3s
                  heartbeatInterval: 1s
                  pollInterval: 500ms
                  drainTimeout: 5s
                observability:
                  system:
                    enabled: false
                security:
                  egress:
                    allow: [127.0.0.0/8]   # the counting sink listens on the loopback, which is denied by default
                """.formatted(postgres.jdbcUrl(), nodeId) + extraYaml;
    }

    /** Starts the (killed or stopped) node again as a new node id and waits until it is ready. */
    void restart(NodeProcess node) throws InterruptedException {
        launch(node);
        node.awaitReady(START_BOUND);
    }

    List<NodeProcess> nodes() {
        return nodes;
    }

    NodeProcess node(int index) {
        return nodes.get(index - 1);
    }

    ClusterPostgres postgres() {
        return postgres;
    }

    Path directory() {
        return directory;
    }

    HttpClient client() {
        return client;
    }

    /** Registers a workflow through node 1; fails on anything but 200/201. */
    void register(String yaml) {
        ApiCall call = ApiCall.post(client, node(1).api().resolve("workflows"), "application/yaml", yaml, Map.of());
        if (call.status() != 200 && call.status() != 201) {
            throw new IllegalStateException("registering the workflow answered " + call);
        }
    }

    /** {@code POST /workflows/{id}/runs} on {@code node} with {@code Idempotency-Key: key}. */
    ApiCall startRun(NodeProcess node, String workflowId, JsonNode inputs, String key) {
        ObjectNode body = ApiCall.JSON.createObjectNode();
        body.set("inputs", inputs);
        return ApiCall.post(client, node.api().resolve("workflows/" + encode(workflowId) + "/runs"),
                "application/json", body.toString(), Map.of("Idempotency-Key", key));
    }

    /** {@code GET /runs/{id}} on {@code node}. */
    ApiCall run(NodeProcess node, String runId) {
        return ApiCall.get(client, node.api().resolve("runs/" + encode(runId)));
    }

    /** {@code GET} of a path relative to the API root on {@code node}. */
    ApiCall get(NodeProcess node, String path) {
        return ApiCall.get(client, node.api().resolve(path));
    }

    @Override
    public void close() {
        for (NodeProcess node : nodes) {
            node.close();
        }
        postgres.close();
        client.close();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
