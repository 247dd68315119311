package dev.baton.server.openai;

import dev.baton.core.security.Role;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.SecretRef;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.NodeGateway;
import dev.baton.server.security.ApiKeyIssuer;
import dev.baton.server.security.AuthSettings;
import dev.baton.server.security.SecurityConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** With authentication on, configured gateway keys still open /v1 (and only /v1), beside stored API keys. */
class GatewayKeysWithAuthTest {
    private static final String CHAT = "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
    private static final ScriptedGateway GATEWAY = new ScriptedGateway();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static BatonNode node;
    private static BatonServer server;

    @BeforeAll
    static void start() {
        ClientKeys keys = ClientKeys.resolve(List.of(new ClientKey("team-a", new SecretRef("env", "KEY_A"),
                RateLimits.UNLIMITED, Budget.NONE)), Map.of("KEY_A", "sk-baton-aaaa"));
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED);
        config = config.withSecurity(new SecurityConfig("default", AuthSettings.API_KEYS, config.security().quotas(),
                config.security().egress(), config.security().secrets()));
        node = BatonNode.open(config, new NodeGateway(GATEWAY, GATEWAY, GATEWAY, keys, () -> { }));
        server = BatonServer.start(node, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
    }

    private static HttpResponse<String> send(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve(path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_gateway_key_calls_models_as_its_id() throws Exception {
        HttpResponse<String> chat = send("POST", "/v1/chat/completions", "sk-baton-aaaa", CHAT);

        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(GATEWAY.lastCall.principal()).isEqualTo("team-a");
    }

    @Test
    void a_gateway_key_does_not_open_the_rest_api() throws Exception {
        assertThat(send("GET", "/api/v1/workflows", "sk-baton-aaaa", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/models", "sk-baton-wrong", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/models", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void a_stored_developer_key_calls_models_as_its_subject_and_a_viewer_cannot() throws Exception {
        var developer = new ApiKeyIssuer(node.apiKeys()).issue("acme", "sdk", Set.of(Role.DEVELOPER), null,
                dev.baton.core.security.Quotas.NONE, "test");
        String viewer = new ApiKeyIssuer(node.apiKeys()).issue("acme", "ro", Set.of(Role.VIEWER), null,
                dev.baton.core.security.Quotas.NONE, "test").token().reveal();

        HttpResponse<String> chat = send("POST", "/v1/chat/completions", developer.token().reveal(), CHAT);
        HttpResponse<String> denied = send("POST", "/v1/chat/completions", viewer, CHAT);

        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(GATEWAY.lastCall.principal()).isEqualTo("key:" + developer.key().id());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(send("GET", "/v1/models", viewer, null).statusCode()).isEqualTo(200);
    }
}
