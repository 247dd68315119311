package dev.baton.server.api;

import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.NodeStartup;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener starts before the node is open: live at once, everything else says "not ready" until then. */
class StartingNodeApiTest {
    private static final BatonConfig CONFIG = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED);

    @Test
    void answers_liveness_and_503_not_ready_with_retry_after_until_the_node_is_open() {
        NodeStartup startup = NodeStartup.deferred(CONFIG);
        try (BatonServer server = BatonServer.start(startup, "127.0.0.1", 0)) {
            ApiClient client = new ApiClient(server.url());

            assertThat(client.get("/health/live").status()).isEqualTo(200);
            ApiClient.Response ready = client.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.header("Retry-After")).isNotBlank();
            assertThat(ready.json().at("/components/node/ready").asBoolean()).isFalse();
            assertThat(ready.json().at("/components/node/detail").asText()).contains("starting");
            assertThat(client.get("/openapi.json").status()).isEqualTo(200);
            ApiClient.Response starting = client.get("/health");
            assertThat(starting.status()).isEqualTo(503);
            assertThat(starting.header("Retry-After")).isNotBlank();
            assertThat(starting.json().path("status").asText()).isEqualTo("DOWN");
            assertThat(starting.json().path("detail").asText()).contains("starting");
            assertThat(starting.json().has("components")).isFalse();

            for (ApiClient.Response response : new ApiClient.Response[] {client.get("/workflows"),
                    client.get("/templates"), client.get("/runs/r-1"),
                    client.postJson("/workflows/validate", "{\"id\": \"x\"}")}) {
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.contentType()).startsWith("application/problem+json");
                assertThat(response.header("Retry-After")).isNotBlank();
                assertThat(response.json().path("code").asText()).isEqualTo("not-ready");
            }

            startup.begin();
            BatonNode node = startup.future().join();

            assertThat(client.get("/health/ready").status()).isEqualTo(200);
            assertThat(client.get("/health").json().path("status").asText()).isEqualTo("UP");
            assertThat(client.get("/workflows").status()).isEqualTo(200);
            assertThat(client.get("/templates").json().path("items").size()).isGreaterThan(0);
            assertThat(node.templates().list()).isNotEmpty();
        } finally {
            startup.close();
        }
    }

    @Test
    void says_why_when_the_node_failed_to_open() throws Exception {
        Path notADirectory = Files.createTempFile("baton-start", ".txt");
        BatonConfig broken = new BatonConfig(notADirectory, BatonConfig.Store.h2(notADirectory),
                BatonConfig.Server.DEFAULT, BatonConfig.Engine.DEFAULT, BatonConfig.Ai.DISABLED);
        NodeStartup startup = NodeStartup.deferred(broken);
        try (BatonServer server = BatonServer.start(startup, "127.0.0.1", 0)) {
            startup.begin();
            assertThat(startup.future()).failsWithin(java.time.Duration.ofMinutes(1));

            ApiClient client = new ApiClient(server.url());
            ApiClient.Response ready = client.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/components/node/detail").asText()).contains("failed to start");
            ApiClient.Response workflows = client.get("/workflows");
            assertThat(workflows.status()).isEqualTo(503);
            assertThat(workflows.json().path("detail").asText()).contains("failed to start");
        } finally {
            startup.close();
            Files.deleteIfExists(notADirectory);
        }
    }
}
