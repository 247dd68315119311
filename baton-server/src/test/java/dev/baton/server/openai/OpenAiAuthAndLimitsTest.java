package dev.baton.server.openai;

import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonServer;
import dev.baton.server.NodeStartup;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API keys, the body-size limit and the answer while the node is still opening, on the /v1 routes. */
class OpenAiAuthAndLimitsTest {
    private static final String CHAT = "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    private static ClientKeys keys() {
        return ClientKeys.resolve(List.of(
                new ClientKey("team-a", new SecretRef("env", "KEY_A"), RateLimits.UNLIMITED, Budget.NONE),
                new ClientKey("team-b", new SecretRef("env", "KEY_B"), RateLimits.UNLIMITED, Budget.NONE)),
                Map.of("KEY_A", "sk-baton-aaaa", "KEY_B", "sk-baton-bbbb"));
    }

    @Test
    void with_keys_configured_a_matching_bearer_key_is_the_principal() {
        try (var server = new ScriptedServer(keys())) {
            var ok = server.post("/v1/chat/completions", CHAT, Map.of("Authorization", "Bearer sk-baton-bbbb"));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(server.gateway.lastCall.principal()).isEqualTo("team-b");

            var missing = server.post("/v1/chat/completions", CHAT);
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.error().get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(missing.error().get("type").asText()).isEqualTo("authentication_error");

            var wrong = server.get("/v1/models", Map.of("Authorization", "Bearer sk-baton-aaab"));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.text()).doesNotContain("sk-baton-aaaa");

            var notBearer = server.get("/v1/models", Map.of("Authorization", "Basic c2stYmF0b24tYWFhYQ=="));
            assertThat(notBearer.status()).isEqualTo(401);
        }
    }

    @Test
    void without_keys_the_api_is_open_and_the_principal_is_anonymous() {
        try (var server = new ScriptedServer(ClientKeys.open())) {
            var response = server.post("/v1/chat/completions", CHAT, Map.of("Authorization", "Bearer anything"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(server.gateway.lastCall.principal()).isEqualTo("anonymous");
        }
    }

    @Test
    void an_unset_key_variable_fails_naming_the_key() {
        assertThatThrownBy(() -> ClientKeys.resolve(List.of(new ClientKey("k", new SecretRef("env", "NOPE"),
                RateLimits.UNLIMITED, Budget.NONE)), Map.of()))
                .hasMessageContaining("gateway.keys[0].secret").hasMessageContaining("NOPE");
    }

    @Test
    void bodies_over_the_node_limit_are_413_in_openai_shape() {
        try (var server = new ScriptedServer(ClientKeys.open(), 1024)) {
            String big = "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \""
                         + "x".repeat(4096) + "\"}]}";
            var response = server.post("/v1/chat/completions", big);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.error().get("message").asText()).contains("1024");
        }
    }

    @Test
    void v1_routes_answer_503_until_the_node_is_open() throws Exception {
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED);
        NodeStartup startup = NodeStartup.deferred(config);
        try (BatonServer server = BatonServer.start(startup, "127.0.0.1", 0)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/v1/models")).timeout(Duration.ofSeconds(10))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("5");
            assertThat(ScriptedServer.tree(response.body()).get("error").get("type").asText())
                    .isEqualTo("service_unavailable_error");
        } finally {
            startup.close();
        }
    }
}
