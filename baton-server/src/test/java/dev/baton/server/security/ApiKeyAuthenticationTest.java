package dev.baton.server.security;

import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyToken;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored API keys over real HTTP with authentication on. */
class ApiKeyAuthenticationTest {
    private static final SecureNode NODE = new SecureNode();

    @AfterAll
    static void close() {
        NODE.close();
    }

    @Test
    void a_guarded_route_without_credentials_is_401_with_a_bearer_challenge() {
        SecureNode.Response response = NODE.get("/api/v1/workflows", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.json().get("code").asText()).isEqualTo("unauthenticated");
        assertThat(response.json().get("detail").asText()).contains("Authorization: Bearer");
    }

    @Test
    void public_routes_answer_without_credentials() {
        assertThat(NODE.get("/api/v1/health/live", null).status()).isEqualTo(200);
        assertThat(NODE.get("/api/v1/openapi.json", null).status()).isEqualTo(200);
    }

    @Test
    void a_key_authenticates_as_bearer_and_as_x_api_key() {
        String key = NODE.key("acme", Role.VIEWER);

        assertThat(NODE.get("/api/v1/workflows", key).status()).isEqualTo(200);
        assertThat(NODE.send("GET", "/api/v1/workflows", null, null, Map.of("X-API-Key", key)).status())
                .isEqualTo(200);
    }

    @Test
    void a_wrong_secret_and_an_unknown_prefix_get_the_same_answer() {
        String key = NODE.key("acme", Role.VIEWER);
        String wrongSecret = key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a");
        String unknown = ApiKeyToken.generate(new SecureRandom()).reveal();

        SecureNode.Response wrong = NODE.get("/api/v1/workflows", wrongSecret);
        SecureNode.Response missing = NODE.get("/api/v1/workflows", unknown);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(wrong.json().get("detail").asText()).isEqualTo(missing.json().get("detail").asText())
                .isEqualTo("invalid API key");
        assertThat(NODE.get("/api/v1/workflows", "bt_short").json().get("detail").asText())
                .contains("invalid API key");
    }

    @Test
    void a_revoked_key_stops_working() {
        String key = NODE.key("acme", Role.ADMIN);
        ApiKey stored = NODE.node().apiKeys().findByPrefix(ApiKeyToken.parse(key).orElseThrow().prefix())
                .orElseThrow();
        assertThat(NODE.get("/api/v1/workflows", key).status()).isEqualTo(200);

        NODE.node().apiKeys().revoke("acme", stored.id(), Instant.now());

        SecureNode.Response revoked = NODE.get("/api/v1/workflows", key);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.json().get("detail").asText()).contains("revoked");
    }

    @Test
    void an_expired_key_is_refused_saying_so() {
        ApiKeyToken token = ApiKeyToken.generate(new SecureRandom());
        Instant created = Instant.now().minus(Duration.ofDays(2));
        NODE.node().apiKeys().create(new ApiKey("key_expired0000001", "acme", "old", token.prefix(), token.hash(),
                Set.of(Role.VIEWER), Quotas.NONE, created, "test", created.plus(Duration.ofDays(1)), null, null));

        SecureNode.Response expired = NODE.get("/api/v1/workflows", token.reveal());

        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("detail").asText()).contains("expired");
    }

    @Test
    void a_key_of_a_role_without_the_permission_is_403() {
        String viewer = NODE.key("acme", Role.VIEWER);

        SecureNode.Response denied = NODE.post("/api/v1/workflows", viewer, "{}");

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void the_authorization_header_must_be_bearer() {
        SecureNode.Response basic = NODE.send("GET", "/api/v1/workflows", null, null,
                Map.of("Authorization", "Basic dXNlcjpwYXNz"));

        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().get("detail").asText()).contains("Bearer");
    }
}
