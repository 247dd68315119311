package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.server.api.ApiClient;
import dev.baton.server.api.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health routes over real HTTP on a node with an H2 store and one gateway deployment: liveness, readiness
 * (store reachable and migrated) and the detailed view, then the same after the store's connections are gone.
 */
class HealthApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_healthy_node_is_up_with_its_schema_version_engine_load_and_deployments_and_goes_down_without_its_store(
            @TempDir Path dataDir) throws Exception {
        try (FakeOpenAiServer upstream = new FakeOpenAiServer()) {
            BatonConfig config = BatonConfig.defaults().withStore(BatonConfig.Store.h2(dataDir))
                    .withAi(BatonConfig.Ai.DISABLED).withEgress(TestEgress.LOOPBACK)
                    .withGateway(GatewayConfigReader.read(JSON.readTree("""
                            {"models": {"fast": {"deployments": [{"id": "fake-1", "provider": "openai",
                              "baseUrl": "%s", "model": "gpt-fake"}]}}}
                            """.formatted(upstream.baseUrl()))));
            try (BatonNode node = BatonNode.open(config);
                 BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
                ApiClient api = new ApiClient(server.url());

                Response health = api.get("/health");
                assertThat(health.status()).as(health.text()).isEqualTo(200);
                JsonNode body = health.json();
                assertThat(body.get("status").asText()).isEqualTo("UP");
                JsonNode store = body.get("components").get("store");
                assertThat(store.get("status").asText()).isEqualTo("UP");
                assertThat(store.get("type").asText()).isEqualTo("h2");
                assertThat(store.get("reachable").asBoolean()).isTrue();
                assertThat(store.get("schemaVersion").asText()).isNotBlank()
                        .isEqualTo(store.get("expectedSchemaVersion").asText());
                assertThat(store.get("latencyMs").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(store.get("detail").asText()).doesNotContain(";", "PASSWORD");
                assertThat(body.get("components").get("embeddingModel").get("state").asText()).isEqualTo("disabled");
                JsonNode engine = body.get("components").get("engine");
                assertThat(engine.get("runsInFlight").asInt()).isZero();
                assertThat(engine.get("runsQueued").asInt()).isZero();
                assertThat(engine.get("attemptsWaiting").asInt()).isZero();
                assertThat(engine.get("maxQueuedRuns").asInt()).isEqualTo(config.engine().maxQueuedRuns());
                JsonNode deployment = body.get("components").get("gateway").get("deployments").get(0);
                assertThat(deployment.get("id").asText()).isEqualTo("fake-1");
                assertThat(deployment.get("alias").asText()).isEqualTo("fast");
                assertThat(deployment.get("provider").asText()).isEqualTo("openai");
                assertThat(deployment.get("breaker").asText()).isEqualTo("closed");
                assertThat(deployment.get("enabled").asBoolean()).isTrue();
                assertThat(deployment.has("uptimePercent")).isTrue();
                assertThat(api.get("/health/ready").status()).isEqualTo(200);

                node.stores().closer().close();

                Response ready = api.get("/health/ready");
                assertThat(ready.status()).as(ready.text()).isEqualTo(503);
                assertThat(ready.header("Retry-After")).isEqualTo("5");
                assertThat(ready.json().get("status").asText()).isEqualTo("not-ready");
                assertThat(ready.json().get("components").get("store").get("ready").asBoolean()).isFalse();
                Response down = api.get("/health");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.header("Retry-After")).isEqualTo("5");
                assertThat(down.json().get("status").asText()).isEqualTo("DOWN");
                JsonNode downStore = down.json().get("components").get("store");
                assertThat(downStore.get("reachable").asBoolean()).isFalse();
                assertThat(downStore.get("detail").asText()).contains("unreachable");
                assertThat(api.get("/health/live").status()).isEqualTo(200);

                // the root aliases answer the same
                assertThat(api.send(HttpRequest.newBuilder(server.url().resolve("/health/live")).GET(), Map.of())
                        .status()).isEqualTo(200);
                Response rootReady = api.send(HttpRequest.newBuilder(server.url().resolve("/health/ready")).GET(),
                        Map.of());
                assertThat(rootReady.status()).isEqualTo(503);
                assertThat(rootReady.json().get("status").asText()).isEqualTo("not-ready");
                Response rootHealth = api.send(HttpRequest.newBuilder(server.url().resolve("/health")).GET(), Map.of());
                assertThat(rootHealth.status()).isEqualTo(503);
                assertThat(rootHealth.json().get("status").asText()).isEqualTo("DOWN");
            }
        }
    }
}
