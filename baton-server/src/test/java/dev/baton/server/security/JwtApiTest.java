package dev.baton.server.security;

import com.nimbusds.jose.jwk.RSAKey;
import dev.baton.core.security.Role;
import dev.baton.server.BatonConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** JWT bearer tokens over real HTTP, beside stored API keys, with the issuer's JWKS on loopback. */
class JwtApiTest {
    private static FakeIssuer issuer;
    private static SecureNode node;
    private static final RSAKey KEY = FakeIssuer.rsaKey("k1");

    @BeforeAll
    static void start() {
        issuer = new FakeIssuer();
        issuer.publish(KEY);
        node = new SecureNode(config -> config.withSecurity(new SecurityConfig(config.security().systemTenant(),
                config.security().auth().withOidc(issuer.settings()
                        .withRoleMapping(Map.of("baton-operators", Role.OPERATOR, "baton-developers",
                                Role.DEVELOPER))),
                config.security().quotas(), config.security().egress(), config.security().secrets())));
    }

    @AfterAll
    static void stop() {
        node.close();
        issuer.close();
    }

    private static String token(java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> adjust) {
        return FakeIssuer.sign(KEY, FakeIssuer.claims(Instant.now(),
                c -> adjust.accept(c.claim("roles", List.of("baton-developers")))));
    }

    @Test
    void a_token_of_the_issuer_acts_in_its_tenant_with_its_roles() {
        String developer = token(c -> { });
        String operator = token(c -> c.claim("roles", List.of("baton-operators")));

        assertThat(node.get("/api/v1/workflows", developer).status()).isEqualTo(200);
        assertThat(node.post("/api/v1/workflows", developer, "{\"definition\": 1}").status())
                .as("developers register workflows: past authorization, the body is what fails")
                .isEqualTo(400);
        assertThat(node.post("/api/v1/workflows", operator, "{}").status()).isEqualTo(403);
        assertThat(node.get("/api/v1/keys", developer).status()).isEqualTo(403);
    }

    @Test
    void with_a_role_mapping_an_idp_group_literally_named_admin_grants_nothing() {
        String groupAdmin = token(c -> c.claim("roles", List.of("admin")).claim("tenant",
                node.node().config().security().systemTenant()));

        assertThat(node.get("/api/v1/keys", groupAdmin).status()).isEqualTo(403);
        assertThat(node.post("/api/v1/keys", groupAdmin, "{\"name\": \"x\", \"roles\": [\"admin\"]}").status())
                .isEqualTo(403);
        assertThat(node.get("/api/v1/workflows", groupAdmin).status()).isEqualTo(403);
    }

    @Test
    void stored_keys_keep_working_beside_tokens() {
        String key = node.key("acme", Role.VIEWER);

        assertThat(node.get("/api/v1/workflows", key).status()).isEqualTo(200);
        assertThat(node.send("GET", "/api/v1/workflows", null, null, Map.of("X-API-Key", key)).status())
                .isEqualTo(200);
    }

    @Test
    void refused_tokens_are_401_with_a_challenge_and_the_reason() {
        String expired = token(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600))));
        String noTenant = token(c -> c.claim("tenant", null));

        SecureNode.Response late = node.get("/api/v1/workflows", expired);
        SecureNode.Response lost = node.get("/api/v1/workflows", noTenant);
        SecureNode.Response garbage = node.get("/api/v1/workflows", "not-a-token");

        assertThat(late.status()).isEqualTo(401);
        assertThat(late.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(late.json().get("detail").asText()).contains("xpired");
        assertThat(lost.status()).isEqualTo(401);
        assertThat(lost.json().get("detail").asText()).contains("tenant");
        assertThat(garbage.status()).isEqualTo(401);
    }

    @Test
    void a_forged_token_with_control_characters_in_its_subject_is_still_audited_with_them_replaced() {
        String forged = FakeIssuer.sign(FakeIssuer.rsaKey("rogue"), FakeIssuer.claims(Instant.now(),
                c -> c.subject("\u0000x\r\nadmin")));

        SecureNode.Response refused = node.send("GET", "/api/v1/workflows", forged, null,
                Map.of("User-Agent", "curl\tforged-login-probe"));

        assertThat(refused.status()).isEqualTo(401);
        String auditor = node.key(node.node().config().security().systemTenant(), Role.ADMIN);
        SecureNode.Response audit = node.get("/api/v1/audit?action=auth.failed&limit=1000", auditor);
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode entry = null;
        for (com.fasterxml.jackson.databind.JsonNode item : audit.json().get("items")) {
            if (item.path("userAgent").asText().endsWith("forged-login-probe")) {
                entry = item;
            }
        }
        assertThat(entry).as("the failed login's entry in " + audit.body()).isNotNull();
        assertThat(entry.get("actor").asText()).isEqualTo("jwt:\uFFFDx\uFFFD\uFFFDadmin");
        assertThat(entry.get("userAgent").asText()).isEqualTo("curl\uFFFDforged-login-probe");
    }

    @Test
    void an_admin_with_a_very_long_subject_creates_keys_on_a_database_store(@TempDir Path dir) {
        try (SecureNode h2 = new SecureNode(config -> config.withStore(BatonConfig.Store.h2(dir))
                .withSecurity(new SecurityConfig(config.security().systemTenant(), config.security().auth()
                        .withOidc(issuer.settings().withRoleMapping(Map.of("baton-admins", Role.ADMIN))),
                        config.security().quotas(), config.security().egress(), config.security().secrets())))) {
            String admin = token(c -> c.subject("u".repeat(400)).claim("roles", List.of("baton-admins")));

            SecureNode.Response created = h2.post("/api/v1/keys", admin, "{\"name\": \"ci\", \"roles\": [\"viewer\"]}");

            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("createdBy").asText()).startsWith("jwt:uuu")
                    .hasSize(ApiKeyIssuer.MAX_CREATED_BY);
            assertThat(h2.get("/api/v1/workflows", created.json().get("key").asText()).status()).isEqualTo(200);
        }
    }

    @Test
    void the_node_opens_with_oidc_even_before_the_issuer_is_asked() {
        assertThat(node.node().jwtAuthenticator()).isNotNull();
        assertThat(BatonConfig.inMemory().security().auth().oidc()).isNull();
    }
}
