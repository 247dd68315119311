package dev.baton.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.RunView;
import dev.baton.core.run.RunStatus;
import dev.baton.server.BatonNode;
import dev.baton.server.api.ApiClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two in-process nodes (two {@link BatonNode}s on different loopback ports) sharing one real PostgreSQL, driven
 * over real HTTP: whichever node a client talks to, it sees and controls every run of the cluster.
 */
class TwoNodeApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger IDS = new AtomicInteger();
    @TempDir
    static Path dir;
    private static EmbeddedPostgres postgres;
    private static ClusterNode a;
    private static ClusterNode b;

    @BeforeAll
    static void start() {
        postgres = ClusterNode.startPostgres();
        a = ClusterNode.open(postgres, dir.resolve("a"), "node-a");
        b = ClusterNode.open(postgres, dir.resolve("b"), "node-b");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (b != null) {
                b.close();
            }
        } finally {
            try {
                if (a != null) {
                    a.close();
                }
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    /** Registers a workflow on node A and returns its id. */
    private static String register(String name, String steps) {
        String id = name + "-" + IDS.incrementAndGet();
        var created = a.api().post("/workflows", "application/yaml", "id: " + id + "\nsteps:\n" + steps);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return id;
    }

    private static String start(ApiClient api, String workflowId) {
        var started = api.postJson("/workflows/" + workflowId + "/runs", "{}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        return started.json().get("id").asText();
    }

    /** Waits through {@code on}'s engine (which may not own the run) until the run is finished. */
    private static RunView finished(ClusterNode on, String runId) throws Exception {
        return on.node().engine().completion(BatonNode.DEFAULT_TENANT, runId)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The node holding (or that last held) the run's lease, read from the database. */
    static String leaseOwner(EmbeddedPostgres postgres, String runId) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement select = connection.prepareStatement("select lease_owner from runs where id = ?")) {
            select.setString(1, runId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** The node of the two that does not hold the run's lease (a run started on one node may be claimed by either). */
    private static ClusterNode notOwning(String runId) throws SQLException {
        String owner = leaseOwner(postgres, runId);
        assertThat(owner).as("the run is leased").isIn("node-a", "node-b");
        return owner.equals("node-a") ? b : a;
    }

    private static ClusterNode owning(String runId) throws SQLException {
        return notOwning(runId) == a ? b : a;
    }

    @Test
    void a_workflow_registered_on_one_node_is_served_by_the_other() {
        String id = register("shared", "  a: {uses: transform, with: {value: 1}}\n");

        var onB = b.api().get("/workflows/" + id);

        assertThat(onB.status()).isEqualTo(200);
        assertThat(onB.json().get("version").asInt()).isEqualTo(1);
        assertThat(b.api().get("/workflows").text()).contains("\"" + id + "\"");
    }

    @Test
    void runs_started_on_either_node_are_read_listed_and_awaited_on_the_other() throws Exception {
        String id = register("either", """
                  a: {uses: transform, with: {value: 20}}
                  b: {uses: transform, needs: [a], with: {value: "{{ steps.a.output + 22 }}"}}
                """);
        String onA = start(a.api(), id);
        String onB = start(b.api(), id);

        assertThat(finished(b, onA).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(finished(a, onB).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        JsonNode readOnB = b.api().get("/runs/" + onA).json();
        JsonNode readOnA = a.api().get("/runs/" + onB).json();
        assertThat(readOnB.get("status").asText()).isEqualTo("succeeded");
        assertThat(readOnA.get("status").asText()).isEqualTo("succeeded");
        assertThat(readOnB.get("steps")).hasSize(2);
        for (ClusterNode node : List.of(a, b)) {
            String listed = node.api().get("/runs?workflow=" + id).text();
            assertThat(listed).contains(onA, onB);
        }
        var waited = b.api().postJson("/workflows/" + id + "/runs?wait=20s", "{}");
        assertThat(waited.status()).as(waited.text()).isEqualTo(200);
        assertThat(waited.json().get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void a_run_owned_by_one_node_is_cancelled_through_the_other() throws Exception {
        String id = register("cancel", "  nap: {uses: sleep, with: {duration: \"10m\"}}\n");
        String runId = start(a.api(), id);
        assertThat(a.api().get("/runs/" + runId).json().get("status").asText()).isIn("queued", "running");
        ClusterNode owner = owning(runId);
        ClusterNode other = notOwning(runId);

        var cancelled = other.api().postJson("/runs/" + runId + "/cancel", "{\"reason\": \"from the other node\"}");

        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        RunView done = finished(other, runId);
        assertThat(done.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(done.run().error().message()).contains("from the other node");
        assertThat(owner.api().get("/runs/" + runId).json().get("status").asText()).isEqualTo("cancelled");
        assertThat(owner.node().engine().activeRuns()).as("the owner stopped the run").isZero();
    }

    @Test
    void the_event_stream_on_the_node_that_does_not_own_the_run_delivers_every_event() throws Exception {
        String id = register("events", """
                  nap: {uses: sleep, with: {duration: "700ms"}}
                  after: {uses: transform, needs: [nap], with: {value: 42}}
                """);
        String runId = start(a.api(), id);

        List<EventStreams.Frame> streamed = EventStreams.readAll(notOwning(runId).api(), runId, WAIT);

        assertThat(streamed).isNotEmpty();
        assertThat(streamed.getLast().event()).isEqualTo("run-finished");
        assertThat(streamed.getLast().data()).contains("\"status\":\"succeeded\"");
        assertThat(streamed.stream().map(EventStreams.Frame::event))
                .contains("run-started", "attempt-started", "attempt-finished");
        List<Long> ids = new ArrayList<>(streamed.stream().map(EventStreams.Frame::id).toList());
        assertThat(ids).as("every event once, in order").isSorted().doesNotHaveDuplicates().startsWith(1L);
        assertThat(ids.getLast()).isEqualTo(ids.size());
        assertThat(EventStreams.readAll(owning(runId).api(), runId, WAIT)).as("the owner's replay")
                .isEqualTo(streamed);
    }

    @Test
    void an_idempotency_key_returns_the_same_run_whichever_node_is_asked() throws Exception {
        String id = register("idempotent", "  a: {uses: transform, with: {value: 1}}\n");
        Map<String, String> key = Map.of("Idempotency-Key", "order-" + id);

        var first = a.api().post("/workflows/" + id + "/runs", "application/json", "{}", key);
        var second = b.api().post("/workflows/" + id + "/runs", "application/json", "{}", key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isIn(200, 202);
        assertThat(second.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        finished(b, first.json().get("id").asText());
        assertThat(a.api().get("/runs?workflow=" + id).json().get("items")).hasSize(1);
    }

    @Test
    void health_names_each_node_and_its_cluster_mode() {
        JsonNode healthA = a.api().get("/health").json();
        JsonNode readyB = b.api().get("/health/ready").json();

        assertThat(healthA.get("node").get("id").asText()).isEqualTo("node-a");
        assertThat(healthA.get("node").get("mode").asText()).isEqualTo("cluster");
        assertThat(readyB.get("node").asText()).isEqualTo("node-b");
        assertThat(readyB.get("status").asText()).isEqualTo("ready");
        var metrics = b.api().send(java.net.http.HttpRequest.newBuilder(b.server().url().resolve("/metrics")).GET(),
                Map.of());
        assertThat(metrics.text()).contains("baton_node_info{mode=\"cluster\",node=\"node-b\"} 1");
    }
}
