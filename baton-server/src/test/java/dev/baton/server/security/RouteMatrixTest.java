package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.security.Role;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * THE permission matrix, route by route and role by role, over real HTTP with real API keys: every route the
 * running server registered (read from Javalin as the routes are added, not from a list kept by hand) must have a
 * row below, and every row must be a registered route; a route added later without a row fails this test.
 *
 * <p>For each route: without credentials a guarded route answers 401 and a public one does not; with a key of
 * each role (of the system tenant, so that installation-wide routes answer too), a role of the row answers
 * neither 401 nor 403 (nor 500), and any other role answers 403 {@code forbidden}. Requests name objects that do
 * not exist, so that allowed requests change nothing (they end in 400/404 inside the handler).
 */
class RouteMatrixTest {
    private static final String PUBLIC = "public";
    /** Route → the roles allowed (space-separated), or {@value #PUBLIC}. The table of docs/security.md. */
    private static final Map<String, String> MATRIX = new LinkedHashMap<>();

    static {
        String all = "admin operator developer viewer";
        String write = "admin developer";
        String operate = "admin operator";
        row("POST /api/v1/workflows", write);
        row("GET /api/v1/workflows", all);
        row("POST /api/v1/workflows/validate", all);
        row("GET /api/v1/workflows/{id}", all);
        row("PUT /api/v1/workflows/{id}", write);
        row("DELETE /api/v1/workflows/{id}", write);
        row("GET /api/v1/workflows/{id}/versions/{version}", all);
        row("POST /api/v1/workflows/{id}/runs", write);
        row("POST /api/v1/workflows/{id}/runs/batch", write);
        row("GET /api/v1/runs", all);
        row("GET /api/v1/runs/{id}", all);
        row("POST /api/v1/runs/{id}/cancel", operate);
        row("POST /api/v1/runs/{id}/retry", operate);
        row("GET /api/v1/runs/{id}/events", all);
        row("GET /api/v1/templates", all);
        row("GET /api/v1/templates/{name}", all);
        row("POST /api/v1/templates/{name}", write);
        row("GET /api/v1/gateway/deployments", all);
        row("GET /api/v1/gateway/deployments/{id}", all);
        row("POST /api/v1/gateway/deployments/{id}/enable", operate);
        row("POST /api/v1/gateway/deployments/{id}/disable", operate);
        row("GET /api/v1/gateway/cache", all);
        row("DELETE /api/v1/gateway/cache", operate);
        row("GET /api/v1/usage", all);
        row("GET /api/v1/analytics/workflows", all);
        row("GET /api/v1/analytics/workflows/{id}", all);
        row("GET /api/v1/analytics/models", all);
        row("GET /api/v1/analytics/keys", all);
        row("GET /api/v1/system", all);
        row("GET /api/v1/system/history", all);
        row("GET /api/v1/alerts", all);
        row("GET /api/v1/alerts/rules", all);
        row("POST /v1/chat/completions", write);
        row("POST /v1/embeddings", write);
        row("GET /v1/models", all);
        row("GET /v1/models/<id>", all);
        row("POST /api/v1/keys", "admin");
        row("GET /api/v1/keys", "admin");
        row("GET /api/v1/keys/{id}", "admin");
        row("DELETE /api/v1/keys/{id}", "admin");
        row("GET /api/v1/audit", "admin");
        row("GET /api/v1/health/live", PUBLIC);
        row("GET /api/v1/health/ready", PUBLIC);
        row("GET /api/v1/health", PUBLIC);
        row("GET /health/live", PUBLIC);
        row("GET /health/ready", PUBLIC);
        row("GET /health", PUBLIC);
        row("GET /api/v1/openapi.json", PUBLIC);
        row("GET /metrics", all);
    }

    private static void row(String route, String roles) {
        if (MATRIX.put(route, roles) != null) {
            throw new IllegalStateException("two rows for " + route);
        }
    }

    private static SecureNode node;
    private static final Map<Role, String> KEYS = new EnumMap<>(Role.class);

    @BeforeAll
    static void start() {
        node = new SecureNode();
        String system = node.node().config().security().systemTenant();
        for (Role role : Role.values()) {
            KEYS.put(role, node.key(system, role));
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void every_registered_route_has_a_row_and_every_row_is_a_registered_route() {
        Set<String> served = new TreeSet<>();
        for (BatonServer.Route route : node.server().routes()) {
            served.add(route.method() + " " + route.path());
        }

        assertThat(served).as("routes served without a row in the matrix (add one, and to docs/security.md)")
                .isSubsetOf(MATRIX.keySet());
        assertThat(MATRIX.keySet()).as("rows of the matrix without a served route").isSubsetOf(served);
    }

    @Test
    void every_route_answers_every_role_as_the_matrix_says() {
        List<String> wrong = new ArrayList<>();
        for (BatonServer.Route route : node.server().routes()) {
            String row = MATRIX.get(route.method() + " " + route.path());
            if (row == null) {
                continue; // reported by the test above
            }
            String path = concrete(route.path());
            int anonymous = call(route.method(), path, null).status();
            if (row.equals(PUBLIC)) {
                expect(wrong, route, "no credentials", anonymous, anonymous != 401 && anonymous != 403,
                        "a public route answers without credentials");
                continue;
            }
            expect(wrong, route, "no credentials", anonymous, anonymous == 401, "401");
            Set<Role> allowed = roles(row);
            for (Role role : Role.values()) {
                SecureNode.Response answer = call(route.method(), path, KEYS.get(role));
                int status = answer.status();
                if (allowed.contains(role)) {
                    expect(wrong, route, role.id(), status, status != 401 && status != 403 && status < 500,
                            "allowed: neither 401 nor 403 nor 5xx (" + answer.body() + ")");
                } else {
                    JsonNode body = answer.json();
                    String code = body.has("error") ? body.path("error").path("code").asText() // OpenAI's shape on /v1
                            : body.path("code").asText();
                    expect(wrong, route, role.id(), status, status == 403 && code.equals("forbidden"),
                            "403 forbidden");
                }
            }
        }

        assertThat(wrong).as("answers that disagree with the matrix").isEmpty();
    }

    @Test
    void an_unauthenticated_answer_asks_for_a_bearer_token_and_a_forbidden_one_names_the_permission() {
        SecureNode.Response anonymous = node.post("/api/v1/runs/some-run/retry", null, "{}");
        SecureNode.Response viewer = node.post("/api/v1/runs/some-run/retry", KEYS.get(Role.VIEWER), "{}");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.json().path("detail").asText()).contains("RUN_OPERATE");
    }

    @Test
    void metrics_carry_every_tenants_workflow_ids_so_only_a_system_tenant_principal_scrapes_them() {
        SecureNode.Response registered = node.send("POST", "/api/v1/workflows", KEYS.get(Role.DEVELOPER), """
                id: acme-payroll
                steps:
                  hello: {uses: transform, with: {value: "hi"}}
                """, Map.of("Content-Type", "application/yaml"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(node.post("/api/v1/workflows/acme-payroll/runs?wait=30s", KEYS.get(Role.DEVELOPER), "{}")
                .status()).isEqualTo(200);
        String tenantViewer = node.key("acme", Role.ADMIN);

        SecureNode.Response anonymous = node.get("/metrics", null);
        SecureNode.Response tenant = node.get("/metrics", tenantViewer);
        SecureNode.Response scraper = node.get("/metrics", KEYS.get(Role.VIEWER));

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("acme-payroll");
        assertThat(tenant.status()).isEqualTo(404);
        assertThat(tenant.body()).doesNotContain("acme-payroll");
        assertThat(scraper.status()).as(scraper.body()).isEqualTo(200);
        assertThat(scraper.body()).contains("workflow=\"acme-payroll\"");
    }

    private static void expect(List<String> wrong, BatonServer.Route route, String who, int status, boolean ok,
                               String expected) {
        if (!ok) {
            wrong.add(route.method() + " " + route.path() + " as " + who + ": got " + status + ", expected "
                    + expected);
        }
    }

    private static Set<Role> roles(String row) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String id : row.split(" ")) {
            roles.add(Role.parse("matrix", id));
        }
        return roles;
    }

    /** The route's pattern with objects that do not exist, so that allowed requests change nothing. */
    private static String concrete(String pattern) {
        return pattern.replace("{version}", "1").replace("{name}", "no-such-template").replace("{id}", "no-such-id")
                .replace("<id>", "no-such-model");
    }

    private static SecureNode.Response call(String method, String path, String key) {
        boolean withBody = method.equals("POST") || method.equals("PUT");
        return node.send(method, path, key, withBody ? "{}" : null, Map.of());
    }
}
