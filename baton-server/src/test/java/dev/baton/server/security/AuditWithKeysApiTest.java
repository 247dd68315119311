package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log with authentication on and real API keys, over real HTTP: only admins read it, each only its own
 * tenant's entries; key changes, failed logins (unknown, revoked) and denied access are recorded with the right
 * actor and tenant, and never with a secret.
 */
class AuditWithKeysApiTest {
    private static final SecureNode NODE = new SecureNode();
    private static final String WORKFLOW = """
            {"id": "%s", "steps": {"a": {"uses": "transform", "with": {"value": 1}}}}""";

    @AfterAll
    static void close() {
        NODE.close();
    }

    private static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<JsonNode> audit(String key, String query) {
        SecureNode.Response response = NODE.get("/api/v1/audit?limit=1000" + query, key);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().get("items").forEach(items::add);
        return items;
    }

    @Test
    void only_admins_read_the_audit_log() {
        String tenant = tenant();
        for (Role role : new Role[] {Role.VIEWER, Role.DEVELOPER, Role.OPERATOR}) {
            SecureNode.Response refused = NODE.get("/api/v1/audit", NODE.key(tenant, role));
            assertThat(refused.status()).as(role.id()).isEqualTo(403);
        }
        assertThat(NODE.get("/api/v1/audit", null).status()).isEqualTo(401);
        assertThat(NODE.get("/api/v1/audit", NODE.key(tenant, Role.ADMIN)).status()).isEqualTo(200);

        // the refusals themselves are audited, in the tenant of the refused keys
        List<JsonNode> denied = audit(NODE.key(tenant, Role.ADMIN), "&action=access.denied");
        assertThat(denied).hasSize(3).allSatisfy(entry -> {
            assertThat(entry.get("tenantId").asText()).isEqualTo(tenant);
            assertThat(entry.get("outcome").asText()).isEqualTo("denied");
            assertThat(entry.get("details").get("path").asText()).isEqualTo("/api/v1/audit");
            assertThat(entry.get("actor").asText()).startsWith("key:");
        });
    }

    @Test
    void an_admin_sees_only_the_entries_of_its_own_tenant() {
        String a = tenant();
        String b = tenant();
        String adminA = NODE.key(a, Role.ADMIN);
        String adminB = NODE.key(b, Role.ADMIN);
        assertThat(NODE.post("/api/v1/workflows", NODE.key(a, Role.DEVELOPER), WORKFLOW.formatted("wf-a")).status())
                .isEqualTo(201);
        assertThat(NODE.post("/api/v1/workflows", NODE.key(b, Role.DEVELOPER), WORKFLOW.formatted("wf-b")).status())
                .isEqualTo(201);

        List<JsonNode> seenByA = audit(adminA, "");
        List<JsonNode> seenByB = audit(adminB, "");

        assertThat(seenByA).isNotEmpty().allSatisfy(e -> assertThat(e.get("tenantId").asText()).isEqualTo(a));
        assertThat(seenByB).isNotEmpty().allSatisfy(e -> assertThat(e.get("tenantId").asText()).isEqualTo(b));
        assertThat(seenByA).extracting(e -> e.get("target").asText()).contains("workflow/wf-a")
                .doesNotContain("workflow/wf-b");
        assertThat(seenByB).extracting(e -> e.get("target").asText()).contains("workflow/wf-b")
                .doesNotContain("workflow/wf-a");
        // a tenant parameter is no way around it
        assertThat(NODE.get("/api/v1/audit?tenant=" + b, adminA).status()).isEqualTo(400);
    }

    @Test
    void creating_and_revoking_a_key_are_recorded_with_the_admin_as_actor() {
        String tenant = tenant();
        String admin = NODE.key(tenant, Role.ADMIN);
        SecureNode.Response created = NODE.post("/api/v1/keys", admin, "{\"name\": \"ci\", \"roles\": [\"viewer\"]}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        String secret = created.json().get("key").asText();
        String adminSubject = created.json().get("createdBy").asText();
        assertThat(NODE.delete("/api/v1/keys/" + id, admin).status()).isEqualTo(200);

        List<JsonNode> entries = audit(admin, "&action=key");

        assertThat(entries).extracting(e -> e.get("action").asText(), e -> e.get("target").asText(),
                        e -> e.get("actor").asText(), e -> e.get("outcome").asText())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("key.revoke", "key/" + id, adminSubject, "success"),
                        org.assertj.core.groups.Tuple.tuple("key.create", "key/" + id, adminSubject, "success"));
        assertThat(entries.toString()).doesNotContain(secret).doesNotContain(secret.substring(12));
    }

    @Test
    void a_key_the_system_admin_creates_and_revokes_in_another_tenant_is_in_that_tenants_log_too() {
        String tenant = tenant();
        String system = NODE.key(NODE.node().config().security().systemTenant(), Role.ADMIN);
        String tenantAdmin = NODE.key(tenant, Role.ADMIN);

        SecureNode.Response created = NODE.post("/api/v1/keys", system,
                "{\"name\": \"minted\", \"roles\": [\"admin\"], \"tenant\": \"" + tenant + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(NODE.delete("/api/v1/keys/" + id + "?tenant=" + tenant, system).status()).isEqualTo(200);

        List<JsonNode> seenByOwner = audit(tenantAdmin, "&action=key");
        List<JsonNode> seenBySystem = audit(system, "&action=key");

        assertThat(seenByOwner).extracting(e -> e.get("action").asText() + " " + e.get("target").asText())
                .containsExactly("key.revoke key/" + id, "key.create key/" + id);
        assertThat(seenByOwner).allSatisfy(e -> {
            assertThat(e.get("tenantId").asText()).isEqualTo(tenant);
            assertThat(e.get("actor").asText()).startsWith("key:");
            assertThat(e.get("outcome").asText()).isEqualTo("success");
            assertThat(e.get("details").get("actorTenant").asText())
                    .isEqualTo(NODE.node().config().security().systemTenant());
            assertThat(e.get("details").get("objectTenant").asText()).isEqualTo(tenant);
        });
        assertThat(seenBySystem).extracting(e -> e.get("target").asText()).contains("key/" + id);
    }

    @Test
    void failed_logins_are_recorded_without_the_secret_in_the_tenant_they_can_be_attributed_to() {
        String tenant = tenant();
        String admin = NODE.key(tenant, Role.ADMIN);
        String systemAdmin = NODE.key("default", Role.ADMIN);
        String unknown = "bt_Zz9Yy8Xx_" + "Q".repeat(32);
        JsonNode created = NODE.post("/api/v1/keys", admin, "{\"name\": \"old\", \"roles\": [\"viewer\"]}").json();
        String revoked = created.get("key").asText();
        assertThat(NODE.delete("/api/v1/keys/" + created.get("id").asText(), admin).status()).isEqualTo(200);
        String requestId = "login-" + UUID.randomUUID();

        assertThat(NODE.send("GET", "/api/v1/runs", unknown, null, Map.of("X-Request-Id", requestId)).status())
                .isEqualTo(401);
        assertThat(NODE.get("/api/v1/workflows", revoked).status()).isEqualTo(401);

        JsonNode unknownEntry = audit(systemAdmin, "&action=auth.failed").stream()
                .filter(e -> requestId.equals(e.get("requestId").asText())).findFirst().orElseThrow();
        assertThat(unknownEntry.get("actor").asText()).isEqualTo("key-prefix:bt_Zz9Yy8Xx");
        assertThat(unknownEntry.get("tenantId").asText()).isEqualTo("default");
        assertThat(unknownEntry.get("outcome").asText()).isEqualTo("denied");
        assertThat(unknownEntry.get("details").get("status").asText()).isEqualTo("401");
        assertThat(unknownEntry.get("details").has("reason")).isTrue();
        assertThat(unknownEntry.toString()).doesNotContain("Q".repeat(32));

        List<JsonNode> revokedEntries = audit(admin, "&action=auth.failed");
        assertThat(revokedEntries).singleElement().satisfies(entry -> {
            assertThat(entry.get("actor").asText()).isEqualTo("key:" + created.get("id").asText());
            assertThat(entry.get("tenantId").asText()).isEqualTo(tenant);
            assertThat(entry.toString()).doesNotContain(revoked.substring(12));
        });
    }

    @Test
    void a_mutation_refused_for_lack_of_permission_records_what_was_attempted() {
        String tenant = tenant();
        String viewer = NODE.key(tenant, Role.VIEWER);

        assertThat(NODE.post("/api/v1/workflows", viewer, WORKFLOW.formatted("wf-x")).status()).isEqualTo(403);
        assertThat(NODE.post("/api/v1/runs/some-run/cancel", viewer, "{}").status()).isEqualTo(403);

        List<JsonNode> entries = audit(NODE.key(tenant, Role.ADMIN), "&action=access.denied");
        assertThat(entries).extracting(e -> e.get("details").get("attempted").asText(),
                        e -> e.get("target").isNull() ? null : e.get("target").asText())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("run.cancel", "run/some-run"),
                        org.assertj.core.groups.Tuple.tuple("workflow.register", null));
    }

    @Test
    void starting_cancelling_and_retrying_runs_are_recorded_with_their_runs() {
        String tenant = tenant();
        String developer = NODE.key(tenant, Role.DEVELOPER);
        String operator = NODE.key(tenant, Role.OPERATOR);
        assertThat(NODE.post("/api/v1/workflows", developer, WORKFLOW.formatted("wf-r")).status()).isEqualTo(201);
        SecureNode.Response started = NODE.post("/api/v1/workflows/wf-r/runs?wait=30s", developer, "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        String runId = started.json().get("id").asText();
        SecureNode.Response retried = NODE.post("/api/v1/runs/" + runId + "/retry", operator, null);
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        String retryId = retried.json().get("id").asText();
        SecureNode.Response cancel = NODE.post("/api/v1/runs/" + retryId + "/cancel", operator, "{}");

        List<JsonNode> entries = audit(NODE.key(tenant, Role.ADMIN), "&action=run");

        assertThat(entries).extracting(e -> e.get("action").asText(), e -> e.get("target").asText())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("run.cancel", "run/" + retryId),
                        org.assertj.core.groups.Tuple.tuple("run.retry", "run/" + runId),
                        org.assertj.core.groups.Tuple.tuple("run.start", "run/" + runId));
        assertThat(entries.get(0).get("outcome").asText())
                .isEqualTo(cancel.status() == 200 ? "success" : "failed");
        assertThat(entries.get(1).get("details").get("location").asText()).isEqualTo("/api/v1/runs/" + retryId);
        assertThat(entries.get(1).get("actor").asText()).isNotEqualTo(entries.get(2).get("actor").asText());
    }
}
