package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The keys admin API over real HTTP: create (secret once), list, get, revoke; tenants and roles. */
class KeysApiTest {
    private static final SecureNode NODE = new SecureNode();

    @AfterAll
    static void close() {
        NODE.close();
    }

    @Test
    void an_admin_creates_a_key_that_works_and_is_shown_only_once() {
        String admin = NODE.key("acme", Role.ADMIN);

        SecureNode.Response created = NODE.post("/api/v1/keys", admin,
                "{\"name\": \"ci\", \"roles\": [\"developer\"], \"quotas\": {\"requestsPerMinute\": 60}}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = created.json();
        String secret = body.get("key").asText();
        assertThat(secret).matches("bt_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}").startsWith(body.get("prefix").asText());
        assertThat(body.get("tenant").asText()).isEqualTo("acme");
        assertThat(body.get("roles")).hasSize(1);
        assertThat(body.get("roles").get(0).asText()).isEqualTo("developer");
        assertThat(body.get("quotas").get("requestsPerMinute").asLong()).isEqualTo(60);
        assertThat(body.get("createdBy").asText()).startsWith("key:key_");
        assertThat(body.has("hash")).isFalse();
        assertThat(created.header("Location")).isEqualTo("/api/v1/keys/" + body.get("id").asText());

        assertThat(NODE.get("/api/v1/workflows", secret).status()).isEqualTo(200);
        SecureNode.Response read = NODE.get("/api/v1/keys/" + body.get("id").asText(), admin);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(secret).doesNotContain(secret.substring(12));
        assertThat(read.json().get("active").asBoolean()).isTrue();
        SecureNode.Response listed = NODE.get("/api/v1/keys", admin);
        assertThat(listed.body()).doesNotContain(secret.substring(12));
        assertThat(listed.json().get("items").findValuesAsText("id")).contains(body.get("id").asText());
    }

    @Test
    void a_revoked_key_stops_working_and_revoking_again_keeps_the_time() {
        String admin = NODE.key("acme", Role.ADMIN);
        JsonNode created = NODE.post("/api/v1/keys", admin, "{\"name\": \"temp\", \"roles\": [\"viewer\"]}").json();
        String id = created.get("id").asText();
        String secret = created.get("key").asText();

        SecureNode.Response revoked = NODE.delete("/api/v1/keys/" + id, admin);
        SecureNode.Response again = NODE.delete("/api/v1/keys/" + id, admin);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("active").asBoolean()).isFalse();
        assertThat(again.json().get("revokedAt").asText()).isEqualTo(revoked.json().get("revokedAt").asText());
        assertThat(NODE.get("/api/v1/workflows", secret).status()).isEqualTo(401);
    }

    @Test
    void another_tenants_key_is_404_to_its_admin_and_cannot_be_revoked() {
        String acme = NODE.key("acme", Role.ADMIN);
        String globex = NODE.key("globex", Role.ADMIN);
        String id = NODE.post("/api/v1/keys", acme, "{\"name\": \"mine\", \"roles\": [\"viewer\"]}").json()
                .get("id").asText();

        assertThat(NODE.get("/api/v1/keys/" + id, globex).status()).isEqualTo(404);
        assertThat(NODE.delete("/api/v1/keys/" + id, globex).status()).isEqualTo(404);
        assertThat(NODE.get("/api/v1/keys", globex).json().get("items").findValuesAsText("id")).doesNotContain(id);
        assertThat(NODE.get("/api/v1/keys/" + id, acme).json().get("active").asBoolean()).isTrue();
    }

    @Test
    void only_system_tenant_admins_create_keys_for_other_tenants() {
        String system = NODE.key("default", Role.ADMIN);
        String acme = NODE.key("acme", Role.ADMIN);

        SecureNode.Response onboarded = NODE.post("/api/v1/keys", system,
                "{\"name\": \"first admin\", \"roles\": [\"admin\"], \"tenant\": \"initech\"}");
        SecureNode.Response refused = NODE.post("/api/v1/keys", acme,
                "{\"name\": \"sneaky\", \"roles\": [\"admin\"], \"tenant\": \"globex\"}");

        assertThat(onboarded.status()).isEqualTo(201);
        assertThat(onboarded.json().get("tenant").asText()).isEqualTo("initech");
        String initech = onboarded.json().get("key").asText();
        assertThat(NODE.get("/api/v1/keys", initech).json().get("items").get(0).get("name").asText())
                .isEqualTo("first admin");
        assertThat(refused.status()).isEqualTo(403);
    }

    @Test
    void roles_without_key_manage_are_forbidden() {
        for (Role role : new Role[] {Role.OPERATOR, Role.DEVELOPER, Role.VIEWER}) {
            String key = NODE.key("acme", role);
            assertThat(NODE.get("/api/v1/keys", key).status()).as(role.id()).isEqualTo(403);
            assertThat(NODE.post("/api/v1/keys", key, "{\"name\": \"x\", \"roles\": [\"admin\"]}").status())
                    .as(role.id()).isEqualTo(403);
        }
        assertThat(NODE.get("/api/v1/keys", null).status()).isEqualTo(401);
    }

    @Test
    void bad_bodies_name_the_field() {
        String admin = NODE.key("acme", Role.ADMIN);

        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"root\"]}")))
                .isEqualTo("roles[0]");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": []}"))).isEqualTo("roles");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"\", \"roles\": [\"viewer\"]}")))
                .isEqualTo("name");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], "
                + "\"expiresAt\": \"" + Instant.now().minusSeconds(60) + "\"}"))).isEqualTo("expiresAt");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], "
                + "\"expiresAt\": \"tomorrow\"}"))).isEqualTo("expiresAt");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], "
                + "\"quotas\": {\"requestsPerMinute\": -1}}"))).isEqualTo("quotas");
        assertThat(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], \"hash\": \"a\"}")
                .status()).isEqualTo(400);
        assertThat(NODE.get("/api/v1/keys?limit=0", admin).status()).isEqualTo(400);
        assertThat(NODE.get("/api/v1/keys?cursor=garbage!", admin).status()).isEqualTo(400);
    }

    @Test
    void expires_in_takes_a_duration_from_now_and_not_together_with_expires_at() {
        String admin = NODE.key("acme", Role.ADMIN);
        Instant before = Instant.now();

        SecureNode.Response created = NODE.post("/api/v1/keys", admin,
                "{\"name\": \"quarterly\", \"roles\": [\"viewer\"], \"expiresIn\": \"90d\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Instant expiresAt = Instant.parse(created.json().get("expiresAt").asText());
        assertThat(expiresAt).isBetween(before.plus(Duration.ofDays(90)).minusSeconds(1),
                Instant.now().plus(Duration.ofDays(90)).plusSeconds(1));
        assertThat(NODE.get("/api/v1/workflows", created.json().get("key").asText()).status()).isEqualTo(200);
        SecureNode.Response both = NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], "
                + "\"expiresIn\": \"12h\", \"expiresAt\": \"" + Instant.now().plusSeconds(3600) + "\"}");
        assertThat(field(both)).isEqualTo("expiresIn");
        assertThat(both.json().get("detail").asText()).contains("not both");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], "
                + "\"expiresIn\": \"soon\"}"))).isEqualTo("expiresIn");
        assertThat(field(NODE.post("/api/v1/keys", admin, "{\"name\": \"x\", \"roles\": [\"viewer\"], "
                + "\"expiresIn\": \"0s\"}"))).isEqualTo("expiresIn");
    }

    @Test
    void a_key_may_not_have_more_rights_than_its_creator() {
        Principal operator = new Principal("acme", "key:op", "op", EnumSet.of(Role.OPERATOR),
                Principal.AuthMethod.API_KEY);
        Principal admin = new Principal("acme", "key:ad", "ad", EnumSet.of(Role.ADMIN), Principal.AuthMethod.API_KEY);

        assertThatThrownBy(() -> ApiKeyIssuer.requireGrantable(operator, EnumSet.of(Role.VIEWER, Role.ADMIN)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                    assertThat(e.getMessage()).contains("role admin").contains("KEY_MANAGE");
                });
        assertThatThrownBy(() -> ApiKeyIssuer.requireGrantable(operator, EnumSet.of(Role.DEVELOPER)))
                .hasMessageContaining("role developer").hasMessageContaining("WORKFLOW_WRITE");
        ApiKeyIssuer.requireGrantable(operator, EnumSet.of(Role.OPERATOR, Role.VIEWER));
        ApiKeyIssuer.requireGrantable(admin, EnumSet.allOf(Role.class));
    }

    @Test
    void a_very_long_creator_subject_is_stored_cut_with_control_characters_replaced() {
        ApiKeyIssuer.Issued issued = new ApiKeyIssuer(NODE.node().apiKeys()).issue("acme", "long", EnumSet.of(
                Role.VIEWER), null, dev.baton.core.security.Quotas.NONE, "jwt:" + "s".repeat(400) + "\u0000");

        assertThat(issued.key().createdBy()).hasSize(ApiKeyIssuer.MAX_CREATED_BY).startsWith("jwt:sss")
                .doesNotContain("\u0000");
    }

    @Test
    void listing_pages_with_a_cursor() {
        String admin = NODE.key("paged", Role.ADMIN);
        for (int i = 0; i < 3; i++) {
            NODE.post("/api/v1/keys", admin, "{\"name\": \"k" + i + "\", \"roles\": [\"viewer\"]}");
        }

        JsonNode first = NODE.get("/api/v1/keys?limit=2", admin).json();
        JsonNode second = NODE.get("/api/v1/keys?limit=2&cursor=" + first.get("nextCursor").asText(), admin).json();

        assertThat(first.get("items")).hasSize(2);
        assertThat(second.get("items")).hasSize(2);
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    private static String field(SecureNode.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        return response.json().get("errors").get(0).get("field").asText();
    }
}
