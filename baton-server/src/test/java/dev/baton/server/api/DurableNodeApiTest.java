package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The API on the embedded H2 store in a temporary directory: durability across a restart, and admission limits. */
class DurableNodeApiTest {

    private static BatonConfig h2(Path dir, BatonConfig.Engine engine) {
        return new BatonConfig(dir, BatonConfig.Store.h2(dir), BatonConfig.Server.DEFAULT, engine, BatonConfig.Ai.DISABLED);
    }

    @Test
    void workflows_and_runs_survive_a_restart_of_the_node(@TempDir Path dir) {
        BatonConfig config = h2(dir, BatonConfig.Engine.DEFAULT);
        String runId;
        try (BatonNode node = BatonNode.open(config); BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            ApiClient api = new ApiClient(server.url());
            assertThat(api.post("/workflows", "application/yaml", WorkflowApiTest.greet("durable", "Hello")).status())
                    .isEqualTo(201);
            var run = api.postJson("/workflows/durable/runs?wait=20s", "{\"inputs\": {\"name\": \"H2\"}}");
            assertThat(run.status()).isEqualTo(200);
            runId = run.json().get("id").asText();
        }
        try (BatonNode node = BatonNode.open(config); BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            ApiClient api = new ApiClient(server.url());
            JsonNode run = api.get("/runs/" + runId).json();
            assertThat(run.get("status").asText()).isEqualTo("succeeded");
            assertThat(run.get("outputs").get("greeting").asText()).isEqualTo("Hello H2");
            assertThat(run.get("steps").get(0).get("attempts").get(0).get("output").asText()).isEqualTo("Hello H2");
            assertThat(api.get("/workflows/durable").json().get("version").asInt()).isEqualTo(1);
            assertThat(api.get("/health/ready").json().get("components").get("store").get("detail").asText())
                    .startsWith("h2 jdbc:h2:file:");
        }
    }

    @Test
    void a_full_queue_is_429_with_retry_after(@TempDir Path dir) {
        BatonConfig config = h2(dir, new BatonConfig.Engine(1, 0, 10, Map.of()));
        try (BatonNode node = BatonNode.open(config); BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            ApiClient api = new ApiClient(server.url());
            String source = """
                    id: busy
                    steps:
                      nap: {uses: sleep, with: {duration: "1h"}}
                    """;
            assertThat(api.post("/workflows", "application/yaml", source).status()).isEqualTo(201);
            String first = api.postJson("/workflows/busy/runs", "{}").json().get("id").asText();

            var refused = api.postJson("/workflows/busy/runs", "{}");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("code").asText()).isEqualTo("rate-limited");
            api.postJson("/runs/" + first + "/cancel", "");
        }
    }
}
