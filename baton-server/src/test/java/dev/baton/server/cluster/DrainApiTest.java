package dev.baton.server.cluster;

import dev.baton.core.engine.RunView;
import dev.baton.core.run.RunStatus;
import dev.baton.server.BatonNode;
import dev.baton.server.NodeShutdown;
import dev.baton.server.NodeStartup;
import dev.baton.server.api.ApiClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Graceful shutdown of one node of two on one PostgreSQL: readiness goes to 503 {@code draining} first, new runs
 * are refused with 503 and {@code Retry-After}, runs that finish within the drain timeout finish on the draining
 * node, the others are handed to the remaining node, which completes them.
 */
class DrainApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    static Path dir;
    private static EmbeddedPostgres postgres;
    private static ClusterNode a;

    @BeforeAll
    static void start() {
        postgres = ClusterNode.startPostgres();
        // A looks for work only when signalled (a drain publishes WorkAvailable) or every 10 s: it does not claim the
        // runs the other nodes start in the instant between creating and claiming them, so their owner is known
        a = ClusterNode.open(ClusterNode.config(postgres, dir.resolve("a"), "node-a"),
                config -> config.withCluster(config.cluster().withPollInterval(Duration.ofSeconds(10))));
    }

    @AfterAll
    static void stop() throws Exception {
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

    private static ClusterNode openC(String nodeId, Duration drainTimeout) {
        return ClusterNode.open(ClusterNode.config(postgres, dir.resolve(nodeId), nodeId),
                config -> config.withCluster(config.cluster().withDrainTimeout(drainTimeout)));
    }

    private static void register(ApiClient api, String id, String steps) {
        var created = api.post("/workflows", "application/yaml", "id: " + id + "\nsteps:\n" + steps);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    private static List<String> startRuns(ApiClient api, String workflowId, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var started = api.postJson("/workflows/" + workflowId + "/runs", "{}");
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            ids.add(started.json().get("id").asText());
        }
        return ids;
    }

    private static RunView finishedOnA(String runId) throws Exception {
        return a.node().engine().completion(BatonNode.DEFAULT_TENANT, runId).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void a_draining_node_refuses_new_runs_and_hands_its_unfinished_runs_to_the_other_node() throws Exception {
        ClusterNode c = openC("node-c", Duration.ofMillis(300));
        List<String> runs;
        try {
            register(c.api(), "slow", """
                      nap: {uses: sleep, with: {duration: "2s"}}
                      done: {uses: transform, needs: [nap], with: {value: 1}}
                    """);
            runs = startRuns(c.api(), "slow", 3);
            for (String run : runs) {
                assertThat(TwoNodeApiTest.leaseOwner(postgres, run)).isEqualTo("node-c");
            }
            Thread draining = Thread.ofVirtual().start(() -> c.node().drain());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!c.node().draining() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }

            var ready = c.api().get("/health/ready");
            var refused = c.api().postJson("/workflows/slow/runs", "{}");
            var read = c.api().get("/runs/" + runs.getFirst());

            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("status").asText()).isEqualTo("draining");
            assertThat(ready.header("Retry-After")).isNotNull();
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.json().get("code").asText()).isEqualTo("not-ready");
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(read.status()).as("reads still work while draining").isEqualTo(200);
            draining.join(WAIT);
            assertThat(c.node().engine().activeRuns()).isZero();
        } finally {
            c.close();
        }
        for (String run : runs) {
            assertThat(finishedOnA(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void runs_handed_back_by_a_drained_node_complete_on_the_other_node() throws Exception {
        ClusterNode c = openC("node-d", Duration.ofMillis(200));
        List<String> runs;
        try {
            register(c.api(), "handed-over", """
                      nap: {uses: sleep, with: {duration: "1500ms"}}
                      done: {uses: transform, needs: [nap], with: {value: "{{ 6 * 7 }}"}}
                    """);
            runs = startRuns(c.api(), "handed-over", 3);
            assertThat(c.node().drain()).as("handed back unfinished").isEqualTo(3);
        } finally {
            c.close();
        }
        for (String run : runs) {
            RunView done = finishedOnA(run);
            assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(TwoNodeApiTest.leaseOwner(postgres, run)).isEqualTo("node-a");
        }
    }

    @Test
    void shutdown_lets_short_runs_finish_on_the_draining_node_then_stops_listening() throws Exception {
        ClusterNode c = openC("node-e", Duration.ofSeconds(20));
        register(c.api(), "short", "  nap: {uses: sleep, with: {duration: \"300ms\"}}\n");
        List<String> runs = startRuns(c.api(), "short", 2);
        URI url = c.server().url();

        NodeShutdown.stop(NodeStartup.opened(c.node()), c.server());

        for (String run : runs) {
            assertThat(finishedOnA(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(TwoNodeApiTest.leaseOwner(postgres, run)).as("finished by the draining node")
                    .isEqualTo("node-e");
        }
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(url.resolve("/health/live")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()))
                .isInstanceOfAny(ConnectException.class, IOException.class);
    }
}
