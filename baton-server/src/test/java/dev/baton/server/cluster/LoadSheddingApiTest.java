package dev.baton.server.cluster;

import dev.baton.core.engine.LoadShedding;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Load shedding over HTTP: past {@code engine.loadShedding.queueDepth}, low-priority starts get 429. */
class LoadSheddingApiTest {

    @Test
    void low_priority_starts_past_the_queue_depth_get_429_with_retry_after_and_high_priority_ones_are_admitted() {
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withEngine(new BatonConfig.Engine(1, 100, 10, Map.of(), new LoadShedding(1, 5)));
        try (BatonNode node = BatonNode.open(config); BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            ApiClient api = new ApiClient(server.url());
            assertThat(api.post("/workflows", "application/yaml", """
                    id: long
                    steps:
                      nap: {uses: sleep, with: {duration: "1h"}}
                    """).status()).isEqualTo(201);
            String running = api.postJson("/workflows/long/runs", "{}").json().get("id").asText();
            var queued = api.postJson("/workflows/long/runs", "{\"priority\": 5}");
            assertThat(queued.status()).isEqualTo(202);
            assertThat(queued.json().get("status").asText()).isEqualTo("queued");

            var shed = api.postJson("/workflows/long/runs", "{\"priority\": 4}");
            var admitted = api.postJson("/workflows/long/runs", "{\"priority\": 5}");

            assertThat(shed.status()).as(shed.text()).isEqualTo(429);
            assertThat(shed.contentType()).startsWith("application/problem+json");
            assertThat(shed.header("Retry-After")).matches("[1-9][0-9]*");
            assertThat(shed.json().get("code").asText()).isEqualTo("rate-limited");
            assertThat(shed.json().get("detail").asText()).as("says which limit").contains("priority");
            assertThat(admitted.status()).as(admitted.text()).isEqualTo(202);
            for (String id : new String[] {running, queued.json().get("id").asText(),
                    admitted.json().get("id").asText()}) {
                api.postJson("/runs/" + id + "/cancel", "");
            }
        }
    }
}
