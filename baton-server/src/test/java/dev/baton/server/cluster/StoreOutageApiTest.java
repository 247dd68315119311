package dev.baton.server.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose PostgreSQL goes away answers 503 with {@code Retry-After} (store-unavailable) within its
 * {@code store.connectionTimeout}, instead of holding requests until a client times out.
 */
class StoreOutageApiTest {

    @Test
    void requests_fail_fast_with_503_and_retry_after_while_the_database_is_down(@TempDir Path dir) throws Exception {
        EmbeddedPostgres postgres = ClusterNode.startPostgres();
        ClusterNode node;
        try {
            node = ClusterNode.open(ClusterNode.config(postgres, dir, "node-a"), config -> config);
            var created = node.api().post("/workflows", "application/yaml",
                    "id: outage\nsteps:\n  a: {uses: transform, with: {value: 1}}\n");
            assertThat(created.status()).isEqualTo(201);
        } finally {
            postgres.close(); // the database stops (and its files go)
        }
        try {
            // the client gives up after 15 s: a hang would fail the test instead of answering
            Map<String, String> none = Map.of();
            var list = node.api().send(HttpRequest.newBuilder(node.api().uri("/runs")).timeout(Duration.ofSeconds(15))
                    .GET(), none);
            var start = node.api().send(HttpRequest.newBuilder(node.api().uri("/workflows/outage/runs"))
                    .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")), none);
            var ready = node.api().get("/health/ready");

            assertThat(list.status()).as(list.text()).isEqualTo(503);
            assertThat(list.header("Retry-After")).isNotNull();
            assertThat(list.json().get("code").asText()).isEqualTo("store-unavailable");
            assertThat(start.status()).as(start.text()).isEqualTo(503);
            assertThat(start.header("Retry-After")).isNotNull();
            assertThat(ready.status()).isEqualTo(503);
        } finally {
            node.close();
        }
    }
}
