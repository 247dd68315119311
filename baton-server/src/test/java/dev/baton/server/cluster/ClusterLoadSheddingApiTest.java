package dev.baton.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.LoadShedding;
import dev.baton.server.BatonConfig;
import dev.baton.server.api.ApiClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load shedding across a cluster: the queue depth is the cluster's (runs queued in PostgreSQL that no node has
 * started), so a node with an empty queue of its own still sheds low-priority runs when the cluster is busy.
 */
class ClusterLoadSheddingApiTest {
    private static final String LONG = "id: long\nsteps:\n  nap: {uses: sleep, with: {duration: \"1h\"}}\n";

    @Test
    void a_node_sheds_low_priority_runs_when_the_clusters_queue_is_past_the_depth(@TempDir Path dir)
            throws Exception {
        EmbeddedPostgres postgres = ClusterNode.startPostgres();
        // one running run per node, shedding from one queued run: priorities below 5 are refused then
        BatonConfig.Engine limits = new BatonConfig.Engine(1, 100, 10, Map.of(), new LoadShedding(1, 5));
        try (ClusterNode a = ClusterNode.open(ClusterNode.config(postgres, dir.resolve("a"), "node-a"),
                config -> config.withEngine(limits));
             ClusterNode b = ClusterNode.open(ClusterNode.config(postgres, dir.resolve("b"), "node-b"),
                     config -> config.withEngine(limits))) {
            assertThat(a.api().post("/workflows", "application/yaml", LONG).status()).isEqualTo(201);
            assertThat(start(a.api(), 0).status()).isEqualTo(202);
            assertThat(start(b.api(), 0).status()).isEqualTo(202);
            var queued = start(a.api(), 5);
            assertThat(queued.status()).isEqualTo(202);
            assertThat(queued.json().get("status").asText()).as("no free slot anywhere").isEqualTo("queued");

            // B's own queue is empty; it reads the cluster's depth (cached for at most 250 ms)
            ApiClient.Response shed = start(b.api(), 4);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (shed.status() == 202 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                shed = start(b.api(), 4);
            }
            var admitted = start(b.api(), 5);

            assertThat(shed.status()).as(shed.text()).isEqualTo(429);
            assertThat(shed.header("Retry-After")).matches("[1-9][0-9]*");
            assertThat(shed.json().get("code").asText()).isEqualTo("rate-limited");
            assertThat(shed.json().get("detail").asText()).contains("load shedding from 1").contains("priority 5");
            assertThat(admitted.status()).as(admitted.text()).isEqualTo(202);
            for (JsonNode run : a.api().get("/runs?limit=1000").json().get("items")) {
                a.api().postJson("/runs/" + run.get("id").asText() + "/cancel", "");
            }
        } finally {
            postgres.close();
        }
    }

    private static ApiClient.Response start(ApiClient api, int priority) {
        return api.postJson("/workflows/long/runs", "{\"priority\": " + priority + "}");
    }
}
