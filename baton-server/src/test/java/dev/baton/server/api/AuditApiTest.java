package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail over real HTTP with authentication off (every caller is {@code local}, an admin of the tenant
 * {@code default}): each audited action leaves exactly one entry with who, what, when, from where and how it
 * ended, reads leave none, and {@code GET /audit} filters and pages them.
 */
class AuditApiTest {
    private static final String AGENT = "audit-test/1.0";
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    /** A request with its own request id (to find its entry) and a known User-Agent. */
    private record Sent(String requestId, ApiClient.Response response) {
    }

    private Sent send(String method, String path, String contentType, String body, Map<String, String> extra) {
        String requestId = "audit-" + UUID.randomUUID();
        HttpRequest.Builder builder = HttpRequest.newBuilder(api.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        Map<String, String> headers = new java.util.HashMap<>(extra);
        headers.put("X-Request-Id", requestId);
        headers.put("User-Agent", AGENT);
        return new Sent(requestId, api.send(builder, headers));
    }

    private Sent send(String method, String path, String contentType, String body) {
        return send(method, path, contentType, body, Map.of());
    }

    /** Every entry of the tenant, newest first, read page by page through the API. */
    private List<JsonNode> allEntries() {
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.get("/audit?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json().get("items").forEach(entries::add);
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
        } while (cursor != null);
        return entries;
    }

    private List<JsonNode> entriesOf(Sent sent) {
        return allEntries().stream().filter(e -> sent.requestId().equals(e.get("requestId").asText())).toList();
    }

    /** The one entry of {@code sent}, checked for the fields every entry of this caller has. */
    private JsonNode entryOf(Sent sent, String action, String outcome, String method) {
        List<JsonNode> entries = entriesOf(sent);
        assertThat(entries).as("entries of request " + sent.requestId()).hasSize(1);
        JsonNode entry = entries.getFirst();
        assertThat(entry.get("action").asText()).isEqualTo(action);
        assertThat(entry.get("outcome").asText()).isEqualTo(outcome);
        assertThat(entry.get("actor").asText()).isEqualTo("local");
        assertThat(entry.get("tenantId").asText()).isEqualTo("default");
        assertThat(entry.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.get("userAgent").asText()).isEqualTo(AGENT);
        assertThat(entry.get("id").asLong()).isPositive();
        assertThat(Instant.parse(entry.get("at").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
        JsonNode details = entry.get("details");
        assertThat(details.get("status").asInt()).isEqualTo(sent.response().status());
        assertThat(details.get("method").asText()).isEqualTo(method);
        return entry;
    }

    private String register() {
        String id = TestServer.uniqueId("audited");
        Sent sent = send("POST", "/workflows", "application/yaml", WorkflowApiTest.greet(id, "Hello"));
        assertThat(sent.response().status()).isEqualTo(201);
        return id;
    }

    @Test
    void registering_updating_and_deleting_a_workflow_are_each_recorded_once() {
        String id = TestServer.uniqueId("audited");
        Sent register = send("POST", "/workflows", "application/yaml", WorkflowApiTest.greet(id, "Hello"));
        Sent update = send("PUT", "/workflows/" + id, "application/yaml", WorkflowApiTest.greet(id, "Bonjour"));
        Sent delete = send("DELETE", "/workflows/" + id, null, null);
        assertThat(List.of(register, update, delete)).extracting(s -> s.response().status())
                .containsExactly(201, 200, 204);

        JsonNode registered = entryOf(register, "workflow.register", "success", "POST");
        assertThat(registered.get("target").asText()).isEqualTo("workflow/" + id);
        assertThat(registered.get("details").get("path").asText()).isEqualTo("/api/v1/workflows");
        assertThat(registered.get("details").get("location").asText()).isEqualTo("/api/v1/workflows/" + id);
        assertThat(entryOf(update, "workflow.update", "success", "PUT").get("target").asText())
                .isEqualTo("workflow/" + id);
        assertThat(entryOf(delete, "workflow.delete", "success", "DELETE").get("target").asText())
                .isEqualTo("workflow/" + id);
        assertThat(registered.get("id").asLong()).isLessThan(entriesOf(delete).getFirst().get("id").asLong());
    }

    @Test
    void starting_a_run_records_the_new_run_as_target() {
        String workflow = register();
        Sent start = send("POST", "/workflows/" + workflow + "/runs", "application/json",
                "{\"inputs\": {\"name\": \"Ada\"}}");
        assertThat(start.response().status()).as(start.response().text()).isEqualTo(202);
        String runId = start.response().json().get("id").asText();

        JsonNode entry = entryOf(start, "run.start", "success", "POST");
        assertThat(entry.get("target").asText()).isEqualTo("run/" + runId);
        assertThat(entry.get("details").get("path").asText()).isEqualTo("/api/v1/workflows/" + workflow + "/runs");
    }

    @Test
    void batches_cancels_and_template_instances_are_recorded() {
        String workflow = register();
        Sent batch = send("POST", "/workflows/" + workflow + "/runs/batch", "application/json",
                "{\"inputs\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
        assertThat(batch.response().status()).as(batch.response().text()).isEqualTo(202);
        String runId = batch.response().json().get("items").get(0).get("id").asText();
        Sent cancel = send("POST", "/runs/" + runId + "/cancel", "application/json", "{}");
        String instance = TestServer.uniqueId("from-template");
        Sent template = send("POST", "/templates/echo", "application/json", "{\"id\": \"" + instance + "\"}");
        assertThat(template.response().status()).as(template.response().text()).isEqualTo(201);

        assertThat(entryOf(batch, "run.start-batch", "success", "POST").get("target").asText())
                .isEqualTo("workflow/" + workflow);
        assertThat(entryOf(cancel, "run.cancel", cancel.response().status() == 200 ? "success" : "failed", "POST")
                .get("target").asText()).isEqualTo("run/" + runId);
        assertThat(entryOf(template, "template.instantiate", "success", "POST").get("target").asText())
                .isEqualTo("workflow/" + instance);
    }

    @Test
    void gateway_operations_are_recorded_and_an_unknown_deployment_is_a_failed_attempt() {
        Sent clear = send("DELETE", "/gateway/cache", null, null);
        Sent enable = send("POST", "/gateway/deployments/no-such-deployment/enable", "application/json", "");
        Sent disable = send("POST", "/gateway/deployments/no-such-deployment/disable", "application/json", "");
        assertThat(clear.response().status()).isEqualTo(204);
        assertThat(enable.response().status()).isEqualTo(404);

        assertThat(entryOf(clear, "cache.clear", "success", "DELETE").get("target").isNull()).isTrue();
        assertThat(entryOf(enable, "deployment.enable", "failed", "POST").get("target").asText())
                .isEqualTo("deployment/no-such-deployment");
        assertThat(entryOf(disable, "deployment.disable", "failed", "POST").get("details").get("status").asInt())
                .isEqualTo(404);
    }

    @Test
    void a_refused_mutation_is_recorded_as_failed_with_its_status() {
        Sent invalid = send("POST", "/workflows", "application/yaml", "id: broken\nsteps: {a: {uses: nope}}\n");
        Sent missing = send("POST", "/runs/no-such-run/cancel", "application/json", "{}");
        assertThat(invalid.response().status()).isEqualTo(400);
        assertThat(missing.response().status()).isEqualTo(404);

        JsonNode failed = entryOf(invalid, "workflow.register", "failed", "POST");
        assertThat(failed.get("target").isNull()).isTrue();
        assertThat(entryOf(missing, "run.cancel", "failed", "POST").get("target").asText())
                .isEqualTo("run/no-such-run");
    }

    @Test
    void reads_validation_and_unknown_routes_are_not_recorded() {
        String workflow = register();
        List<Sent> reads = List.of(
                send("GET", "/workflows", null, null),
                send("GET", "/workflows/" + workflow, null, null),
                send("POST", "/workflows/validate", "application/yaml", WorkflowApiTest.greet("v", "Hi")),
                send("GET", "/runs", null, null),
                send("GET", "/audit", null, null),
                send("POST", "/no-such-route", "application/json", "{}"));
        assertThat(reads).extracting(s -> s.response().status()).containsExactly(200, 200, 200, 200, 200, 404);

        List<String> audited = allEntries().stream().map(e -> e.get("requestId").asText()).toList();
        assertThat(reads).allSatisfy(read -> assertThat(audited).doesNotContain(read.requestId()));
    }

    @Test
    void x_forwarded_for_is_a_detail_and_never_the_remote_address() {
        Sent sent = send("DELETE", "/gateway/cache", null, null, Map.of("X-Forwarded-For", "203.0.113.9"));

        JsonNode entry = entryOf(sent, "cache.clear", "success", "DELETE");
        assertThat(entry.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.get("details").get("forwardedFor").asText()).isEqualTo("203.0.113.9");
    }

    @Test
    void the_audit_log_filters_by_action_prefix_actor_and_time_and_pages_by_cursor() {
        Instant before = Instant.now().minusMillis(1);
        String first = register();
        String second = register();
        String third = register();

        var page = api.get("/audit?action=workflow.register&limit=2&since=" + before);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("items")).extracting(e -> e.get("target").asText())
                .containsExactly("workflow/" + third, "workflow/" + second);
        String cursor = page.json().get("nextCursor").asText();
        var next = api.get("/audit?action=workflow.register&limit=2&since=" + before + "&cursor=" + cursor);
        assertThat(next.json().get("items").get(0).get("target").asText()).isEqualTo("workflow/" + first);

        var byPrefix = api.get("/audit?action=workflow&actor=local&since=" + before).json().get("items");
        assertThat(byPrefix).isNotEmpty().allSatisfy(e -> {
            assertThat(e.get("action").asText()).startsWith("workflow.");
            assertThat(e.get("actor").asText()).isEqualTo("local");
        });
        assertThat(api.get("/audit?actor=nobody").json().get("items")).isEmpty();
        assertThat(api.get("/audit?until=" + URLEncoder.encode(before.toString(), StandardCharsets.UTF_8)
                + "&action=workflow.register&limit=1000").json().get("items"))
                .noneSatisfy(e -> assertThat(e.get("target").asText()).isEqualTo("workflow/" + first));
    }

    @Test
    void bad_audit_queries_are_refused_naming_the_parameter() {
        Map<String, String> cases = Map.of(
                "/audit?limit=0", "limit",
                "/audit?limit=1001", "limit",
                "/audit?limit=ten", "limit",
                "/audit?action=RUN%25", "action",
                "/audit?since=yesterday", "since",
                "/audit?since=1h&until=2h", "since",
                "/audit?cursor=bm9wZQ", "cursor",
                "/audit?tenant=other", "tenant");
        cases.forEach((path, field) -> {
            var response = api.get(path);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.json().get("errors").get(0).get("field").asText()).as(path).isEqualTo(field);
        });
    }
}
