package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.security.Role;
import dev.baton.gateway.usage.UsageRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant isolation over real HTTP with real API keys: two tenants ({@code acme}, {@code globex}) each with
 * workflows and runs, including a workflow id both use. Each sees only its own in every list, get, events,
 * cancel, retry, delete and analytics route; the other's ids answer 404 exactly like ids that do not exist.
 * Installation-wide routes answer only the system tenant.
 */
class TenantIsolationApiTest {
    private static final String BASE = "/api/v1";
    private static SecureNode node;
    private static String acme;
    private static String globex;
    private static String system;
    /** acme's finished run of its workflow {@code shared}, and its run of {@code acme-only}. */
    private static String acmeRun;
    private static String acmeOnlyRun;
    private static String globexRun;

    @BeforeAll
    static void start() {
        node = new SecureNode();
        acme = node.key("acme", Role.ADMIN);
        globex = node.key("globex", Role.ADMIN);
        system = node.key(node.node().config().security().systemTenant(), Role.ADMIN);
        register(acme, "shared", "acme");
        register(acme, "acme-only", "acme");
        register(globex, "shared", "globex");
        acmeRun = runToEnd(acme, "shared");
        acmeOnlyRun = runToEnd(acme, "acme-only");
        globexRun = runToEnd(globex, "shared");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static void register(String key, String id, String greeting) {
        String source = """
                id: %s
                inputs: {type: object, properties: {name: {type: string}}}
                steps:
                  hello: {uses: transform, with: {value: "%s {{ inputs.name }}"}}
                outputs: {greeting: "{{ steps.hello.output }}"}
                """.formatted(id, greeting);
        SecureNode.Response response = node.send("POST", BASE + "/workflows", key, source,
                Map.of("Content-Type", "application/yaml"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    private static String runToEnd(String key, String workflowId) {
        SecureNode.Response response = node.post(BASE + "/workflows/" + workflowId + "/runs?wait=30s", key,
                "{\"inputs\": {\"name\": \"Ada\"}}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("id").asText();
    }

    /** A 404 body with the parts that differ between any two requests (request id, the id itself) taken out. */
    private static JsonNode shape(SecureNode.Response response, String id) {
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        ObjectNode body = (ObjectNode) response.json().deepCopy();
        body.remove("requestId");
        body.put("detail", body.path("detail").asText().replace(id, "<id>"));
        body.put("instance", body.path("instance").asText().replace(id, "<id>"));
        return body;
    }

    @Test
    void another_tenants_run_answers_404_exactly_like_a_missing_one_on_every_run_route() {
        String missing = "6f1c1c4e-0000-4000-8000-000000000000";
        List<String[]> routes = List.of(new String[]{"GET", "/runs/%s"}, new String[]{"GET", "/runs/%s/events"},
                new String[]{"POST", "/runs/%s/cancel"}, new String[]{"POST", "/runs/%s/retry"});
        for (String[] route : routes) {
            String body = route[0].equals("POST") ? "{}" : null;
            SecureNode.Response foreign = node.send(route[0], BASE + route[1].formatted(acmeRun), globex, body, Map.of());
            SecureNode.Response absent = node.send(route[0], BASE + route[1].formatted(missing), globex, body, Map.of());

            assertThat(shape(foreign, acmeRun)).as(route[0] + " " + route[1]).isEqualTo(shape(absent, missing));
            assertThat(foreign.json().get("code").asText()).isEqualTo("not-found");
        }
        // and acme's run is untouched: still its own, succeeded, never cancelled or retried by globex
        SecureNode.Response own = node.get(BASE + "/runs/" + acmeRun, acme);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(node.get(BASE + "/runs?workflow=shared", acme).json().get("items")).hasSize(1);
    }

    @Test
    void each_tenant_lists_only_its_own_workflows_and_runs() {
        assertThat(ids(node.get(BASE + "/workflows", acme), "id")).containsExactly("acme-only", "shared");
        assertThat(ids(node.get(BASE + "/workflows", globex), "id")).containsExactly("shared");
        assertThat(ids(node.get(BASE + "/runs", acme), "id")).containsExactlyInAnyOrder(acmeRun, acmeOnlyRun);
        assertThat(ids(node.get(BASE + "/runs", globex), "id")).containsExactly(globexRun);
        assertThat(ids(node.get(BASE + "/runs?workflow=acme-only", globex), "id")).isEmpty();
        assertThat(ids(node.get(BASE + "/workflows", system), "id")).doesNotContain("shared", "acme-only");
    }

    @Test
    void a_workflow_id_used_by_two_tenants_is_two_workflows() {
        SecureNode.Response acmes = node.get(BASE + "/workflows/shared", acme);
        SecureNode.Response globexes = node.get(BASE + "/workflows/shared", globex);

        assertThat(acmes.json().get("source").asText()).contains("acme {{");
        assertThat(globexes.json().get("source").asText()).contains("globex {{");
        assertThat(node.get(BASE + "/runs/" + globexRun, globex).json().get("outputs").get("greeting").asText())
                .isEqualTo("globex Ada");
    }

    @Test
    void another_tenants_workflow_answers_404_like_a_missing_one_and_cannot_be_changed_or_run() {
        for (String[] route : List.of(new String[]{"GET", "/workflows/%s"},
                new String[]{"GET", "/workflows/%s/versions/1"}, new String[]{"DELETE", "/workflows/%s"},
                new String[]{"POST", "/workflows/%s/runs"}, new String[]{"POST", "/workflows/%s/runs/batch"},
                new String[]{"GET", "/analytics/workflows/%s"})) {
            String body = route[0].equals("POST")
                    ? route[1].endsWith("batch") ? "{\"inputs\": [{}]}" : "{}"
                    : null;
            SecureNode.Response foreign = node.send(route[0], BASE + route[1].formatted("acme-only"), globex, body,
                    Map.of());
            SecureNode.Response absent = node.send(route[0], BASE + route[1].formatted("never-registered"), globex,
                    body, Map.of());

            assertThat(shape(foreign, "acme-only")).as(route[0] + " " + route[1])
                    .isEqualTo(shape(absent, "never-registered"));
        }
        assertThat(node.get(BASE + "/workflows/acme-only", acme).status()).isEqualTo(200);
        assertThat(ids(node.get(BASE + "/runs?workflow=acme-only", acme), "id")).containsExactly(acmeOnlyRun);
    }

    @Test
    void retry_and_cancel_act_in_the_own_tenant() {
        String initech = node.key("initech", Role.ADMIN);
        register(initech, "to-retry", "initech");
        String first = runToEnd(initech, "to-retry");

        assertThat(node.post(BASE + "/runs/" + first + "/retry", globex, "{}").status()).isEqualTo(404);
        SecureNode.Response retried = node.post(BASE + "/runs/" + first + "/retry", initech, "{}");

        assertThat(retried.status()).isEqualTo(202);
        String fresh = retried.json().get("id").asText();
        assertThat(node.get(BASE + "/runs/" + fresh, initech).json().get("workflowId").asText()).isEqualTo("to-retry");
        assertThat(node.get(BASE + "/runs/" + fresh, globex).status()).isEqualTo(404);
        assertThat(node.post(BASE + "/runs/" + fresh + "/cancel", globex, "{}").status()).isEqualTo(404);
        assertThat(ids(node.get(BASE + "/runs?workflow=to-retry", initech), "id")).containsExactlyInAnyOrder(first, fresh);
    }

    @Test
    void analytics_count_only_the_own_tenants_runs() {
        JsonNode acmes = node.get(BASE + "/analytics/workflows", acme).json();
        JsonNode globexes = node.get(BASE + "/analytics/workflows", globex).json();

        assertThat(ids(acmes, "workflowId")).contains("acme-only", "shared");
        assertThat(ids(globexes, "workflowId")).containsExactly("shared");
        assertThat(runsOf(globexes, "shared")).isEqualTo(1);
        assertThat(node.get(BASE + "/analytics/keys", globex).json().get("runs").get("tenantId").asText())
                .isEqualTo("globex");
        assertThat(node.get(BASE + "/analytics/keys", globex).json().get("runs").get("runs").asLong()).isEqualTo(1);
    }

    @Test
    void analytics_usage_of_a_workflow_id_both_tenants_use_counts_only_the_own_tenants_calls() {
        node.node().gateway().usage().append(List.of(new UsageRecord(Instant.now(), "acme-key", acmeRun, "shared",
                "hello", "chat", "fake", "openai", "fake-model", "chat", 1200, 300, false, 2.5,
                Duration.ofMillis(40), null, false, null, "acme", null)));

        JsonNode acmes = node.get(BASE + "/analytics/workflows", acme).json();
        JsonNode globexes = node.get(BASE + "/analytics/workflows", globex).json();
        JsonNode acmeOne = node.get(BASE + "/analytics/workflows/shared", acme).json();
        JsonNode globexOne = node.get(BASE + "/analytics/workflows/shared", globex).json();

        assertThat(usageOf(acmes, "shared").get("totalTokens").asLong()).isEqualTo(1500);
        assertThat(usageOf(globexes, "shared").get("totalTokens").asLong()).isZero();
        assertThat(usageOf(globexes, "shared").get("costUsd").asDouble()).isZero();
        assertThat(acmeOne.get("usage").get("totalTokens").asLong()).isEqualTo(1500);
        assertThat(globexOne.get("usage").get("totalTokens").asLong()).isZero();
        assertThat(globexOne.get("usage").get("costUsd").asDouble()).isZero();
        assertThat(globexOne.get("steps")).isNotEmpty().allSatisfy(step ->
                assertThat(step.get("usage").get("calls").asLong()).as(step.toString()).isZero());
    }

    private static JsonNode usageOf(JsonNode analytics, String workflowId) {
        for (JsonNode item : analytics.get("items")) {
            if (item.get("workflowId").asText().equals(workflowId)) {
                return item.get("usage");
            }
        }
        throw new AssertionError(workflowId + " not in " + analytics);
    }

    @Test
    void event_streams_replay_the_own_tenants_run() throws Exception {
        HttpResponse<String> own = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        node.url().resolve(URI.create(BASE.substring(1) + "/runs/" + globexRun + "/events")))
                .header("Authorization", "Bearer " + globex).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("event: run-finished").contains("globex Ada").doesNotContain("acme");
    }

    @Test
    void a_template_instantiated_by_one_tenant_is_not_the_others() {
        String hooli = node.key("hooli", Role.DEVELOPER);
        String name = node.get(BASE + "/templates", hooli).json().get("items").get(0).get("name").asText();
        SecureNode.Response made = node.post(BASE + "/templates/" + name, hooli, "{\"id\": \"from-template\"}");

        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(node.get(BASE + "/workflows/from-template", hooli).status()).isEqualTo(200);
        assertThat(node.get(BASE + "/workflows/from-template", acme).status()).isEqualTo(404);
    }

    @Test
    void installation_wide_routes_answer_only_the_system_tenant_and_others_get_the_unknown_route_404() {
        JsonNode unknownRoute = node.get(BASE + "/no-such-route", globex).json();
        assertThat(unknownRoute.get("detail").asText()).contains("GET " + BASE + "/no-such-route");
        for (String[] route : List.of(new String[]{"GET", "/system"}, new String[]{"GET", "/system/history"},
                new String[]{"GET", "/alerts"}, new String[]{"GET", "/alerts/rules"},
                new String[]{"DELETE", "/gateway/cache"}, new String[]{"POST", "/gateway/deployments/any/enable"},
                new String[]{"POST", "/gateway/deployments/any/disable"})) {
            String path = BASE + route[1];
            SecureNode.Response foreign = node.send(route[0], path, globex, null, Map.of());

            assertThat(foreign.status()).as(route[0] + " " + route[1]).isEqualTo(404);
            JsonNode body = foreign.json();
            for (String same : List.of("type", "title", "status", "code", "errors")) {
                assertThat(body.get(same)).as(route[0] + " " + route[1] + ": " + same).isEqualTo(unknownRoute.get(same));
            }
            assertThat(body.get("detail").asText()).isEqualTo(unknownRoute.get("detail").asText()
                    .replace("GET " + BASE + "/no-such-route", route[0] + " " + path));
        }
        assertThat(node.get(BASE + "/system", system).status()).isEqualTo(200);
        assertThat(node.get(BASE + "/alerts", system).status()).isEqualTo(200);
        assertThat(node.delete(BASE + "/gateway/cache", system).status()).isEqualTo(204);
        // reading the deployments and the cache counters stays open to every tenant
        assertThat(node.get(BASE + "/gateway/deployments", globex).status()).isEqualTo(200);
        assertThat(node.get(BASE + "/gateway/cache", globex).status()).isEqualTo(200);
    }

    private static long runsOf(JsonNode analytics, String workflowId) {
        for (JsonNode item : analytics.get("items")) {
            if (item.get("workflowId").asText().equals(workflowId)) {
                return item.get("runs").asLong();
            }
        }
        return 0;
    }

    private static List<String> ids(SecureNode.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return ids(response.json(), field);
    }

    private static List<String> ids(JsonNode list, String field) {
        List<String> ids = new ArrayList<>();
        list.get("items").forEach(item -> ids.add(item.get(field).asText()));
        return ids;
    }
}
