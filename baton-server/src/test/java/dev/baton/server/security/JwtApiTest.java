package dev.baton.server.security;

import com.nimbusds.jose.jwk.RSAKey;
import dev.baton.core.security.Role;
import dev.baton.server.BatonConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
                        .withRoleMapping(Map.of("baton-operators", Role.OPERATOR))),
                config.security().quotas(), config.security().egress(), config.security().secrets())));
    }

    @AfterAll
    static void stop() {
        node.close();
        issuer.close();
    }

    private static String token(java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> adjust) {
        return FakeIssuer.sign(KEY, FakeIssuer.claims(Instant.now(), adjust));
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
    void the_node_opens_with_oidc_even_before_the_issuer_is_asked() {
        assertThat(node.node().jwtAuthenticator()).isNotNull();
        assertThat(BatonConfig.inMemory().security().auth().oidc()).isNull();
    }
}
