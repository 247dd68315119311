package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunApiTest {
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    private String registerGreet() {
        String id = TestServer.uniqueId("run-greet");
        assertThat(api.post("/workflows", "application/yaml", WorkflowApiTest.greet(id, "Hello")).status()).isEqualTo(201);
        return id;
    }

    private String registerSleeper(String duration) {
        String id = TestServer.uniqueId("sleeper");
        String source = """
                id: %s
                steps:
                  nap:
                    uses: sleep
                    with: {duration: "%s"}
                  after:
                    uses: transform
                    needs: [nap]
                    with: {value: done}
                """.formatted(id, duration);
        assertThat(api.post("/workflows", "application/yaml", source).status()).isEqualTo(201);
        return id;
    }

    private JsonNode pollUntilFinished(String runId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            JsonNode run = api.get("/runs/" + runId).json();
            String status = run.get("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                return run;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("run " + runId + " did not finish");
    }

    @Test
    void starts_a_run_asynchronously_and_reports_every_step_when_polled() {
        String id = registerGreet();
        var started = api.postJson("/workflows/" + id + "/runs", "{\"inputs\": {\"name\": \"Ada\"}}");
        assertThat(started.status()).isEqualTo(202);
        String runId = started.json().get("id").asText();
        assertThat(started.header("Location")).isEqualTo("/api/v1/runs/" + runId);
        assertThat(started.json().get("workflowId").asText()).isEqualTo(id);

        JsonNode run = pollUntilFinished(runId);
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        assertThat(run.get("outputs").get("greeting").asText()).isEqualTo("Hello Ada");
        assertThat(run.get("workflowVersion").asInt()).isEqualTo(1);
        assertThat(Instant.parse(run.get("createdAt").asText())).isBeforeOrEqualTo(Instant.parse(run.get("finishedAt").asText()));
        JsonNode step = run.get("steps").get(0);
        assertThat(step.get("id").asText()).isEqualTo("hello");
        JsonNode attempt = step.get("attempts").get(0);
        assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.get("status").asText()).isEqualTo("succeeded");
        assertThat(attempt.get("input").get("value").asText()).isEqualTo("Hello Ada");
        assertThat(attempt.get("output").asText()).isEqualTo("Hello Ada");
        assertThat(attempt.get("startedAt").isTextual()).isTrue();
    }

    @Test
    void start_and_wait_returns_the_result_when_the_run_finishes_in_time() {
        String id = registerGreet();
        var response = api.postJson("/workflows/" + id + "/runs?wait=30s", "{\"inputs\": {\"name\": \"Grace\"}}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(response.json().get("outputs").get("greeting").asText()).isEqualTo("Hello Grace");
    }

    @Test
    void start_and_wait_answers_202_when_the_run_is_not_done_within_the_wait() {
        String id = registerSleeper("1h");
        var response = api.postJson("/workflows/" + id + "/runs?wait=50ms", "{}");
        assertThat(response.status()).isEqualTo(202);
        String runId = response.json().get("id").asText();
        assertThat(response.json().get("status").asText()).isIn("queued", "running");
        api.postJson("/runs/" + runId + "/cancel", "");
    }

    @Test
    void inputs_that_violate_the_schema_are_400_naming_the_field() {
        String id = registerGreet();
        var response = api.postJson("/workflows/" + id + "/runs", "{\"inputs\": {}}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asText()).isEqualTo("invalid-input");
        assertThat(response.json().toString()).contains("name");
    }

    @Test
    void a_valid_traceparent_header_goes_with_the_runs_and_an_invalid_one_is_ignored() {
        String id = registerGreet();
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var single = api.post("/workflows/" + id + "/runs", "application/json", "{\"inputs\": {\"name\": \"Ada\"}}",
                Map.of("traceparent", parent));
        var batch = api.post("/workflows/" + id + "/runs/batch", "application/json",
                "{\"inputs\": [{\"name\": \"A\"}, {\"name\": \"B\"}]}", Map.of("traceparent", parent));
        var invalid = api.post("/workflows/" + id + "/runs", "application/json", "{\"inputs\": {\"name\": \"Bo\"}}",
                Map.of("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));

        assertThat(single.status()).isEqualTo(202);
        assertThat(batch.status()).isEqualTo(202);
        assertThat(invalid.status()).as("an invalid traceparent is ignored, not refused").isEqualTo(202);
        List<String> traced = new ArrayList<>(List.of(single.json().get("id").asText()));
        batch.json().get("items").forEach(run -> traced.add(run.get("id").asText()));
        for (String runId : traced) {
            assertThat(server.node.runStore().find(server.node.tenantId(), runId).orElseThrow().traceParent())
                    .isEqualTo(parent);
        }
        assertThat(server.node.runStore().find(server.node.tenantId(), invalid.json().get("id").asText())
                .orElseThrow().traceParent()).isNull();
    }

    @Test
    void batch_starts_one_run_per_inputs_object() {
        String id = registerGreet();
        var response = api.postJson("/workflows/" + id + "/runs/batch",
                "{\"inputs\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]}");
        assertThat(response.status()).isEqualTo(202);
        JsonNode items = response.json().get("items");
        assertThat(items).hasSize(3);
        List<String> greetings = new ArrayList<>();
        for (JsonNode item : items) {
            greetings.add(pollUntilFinished(item.get("id").asText()).get("outputs").get("greeting").asText());
        }
        assertThat(greetings).containsExactly("Hello a", "Hello b", "Hello c");
    }

    @Test
    void a_batch_with_an_invalid_item_starts_no_run_and_names_the_item() {
        String id = registerGreet();
        var response = api.postJson("/workflows/" + id + "/runs/batch",
                "{\"inputs\": [{\"name\": \"a\"}, {}, {\"name\": \"c\"}]}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asText()).isEqualTo("invalid-input");
        assertThat(response.json().get("errors").findValuesAsText("field"))
                .isNotEmpty().allSatisfy(field -> assertThat(field).startsWith("inputs[1]"));
        var runs = api.get("/runs?workflow=" + id);
        assertThat(runs.json().get("items")).isEmpty();
    }

    @Test
    void the_same_idempotency_key_returns_the_same_run() {
        String id = registerGreet();
        Map<String, String> key = Map.of("Idempotency-Key", "order-" + id);
        var first = api.post("/workflows/" + id + "/runs", "application/json", "{\"inputs\": {\"name\": \"x\"}}", key);
        var second = api.post("/workflows/" + id + "/runs", "application/json", "{\"inputs\": {\"name\": \"x\"}}", key);
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(second.json().get("idempotencyKey").asText()).isEqualTo("order-" + id);
    }

    @Test
    void lists_runs_with_filters_and_a_cursor() {
        String id = registerGreet();
        Instant before = Instant.now().minusSeconds(1);
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var r = api.postJson("/workflows/" + id + "/runs?wait=10s", "{\"inputs\": {\"name\": \"n" + i + "\"}}");
            started.add(r.json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/runs?workflow=" + id + "&status=succeeded&limit=2&createdAfter=" + before
                          + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode page = api.get(path).json();
            page.get("items").forEach(run -> {
                assertThat(run.get("workflowId").asText()).isEqualTo(id);
                seen.add(run.get("id").asText());
            });
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(started);

        assertThat(api.get("/runs?workflow=" + id + "&status=failed").json().get("items")).isEmpty();
        assertThat(api.get("/runs?workflow=" + id + "&createdBefore=" + before).json().get("items")).isEmpty();
    }

    @Test
    void bad_list_parameters_are_400_naming_the_parameter() {
        assertThat(api.get("/runs?status=done").json().get("errors").get(0).get("field").asText()).isEqualTo("status");
        assertThat(api.get("/runs?limit=0").json().get("errors").get(0).get("field").asText()).isEqualTo("limit");
        assertThat(api.get("/runs?createdAfter=yesterday").status()).isEqualTo(400);
        assertThat(api.get("/runs?colour=red").json().get("errors").get(0).get("field").asText()).isEqualTo("colour");
    }

    @Test
    void cancels_a_running_run() {
        String id = registerSleeper("1h");
        String runId = api.postJson("/workflows/" + id + "/runs", "{}").json().get("id").asText();
        var cancel = api.postJson("/runs/" + runId + "/cancel", "{\"reason\": \"test\"}");
        assertThat(cancel.status()).isEqualTo(200);
        JsonNode run = pollUntilFinished(runId);
        assertThat(run.get("status").asText()).isEqualTo("cancelled");
        assertThat(run.get("error").get("code").asText()).isEqualTo("cancelled");
    }

    @Test
    void unknown_workflow_and_run_ids_are_404_problems() {
        var noWorkflow = api.postJson("/workflows/does-not-exist/runs", "{}");
        assertThat(noWorkflow.status()).isEqualTo(404);
        assertThat(noWorkflow.json().get("code").asText()).isEqualTo("not-found");
        var noRun = api.get("/runs/00000000-0000-0000-0000-000000000000");
        assertThat(noRun.status()).isEqualTo(404);
        assertThat(noRun.json().get("instance").asText()).isEqualTo("/api/v1/runs/00000000-0000-0000-0000-000000000000");
        assertThat(api.postJson("/runs/nope/cancel", "").status()).isEqualTo(404);
        assertThat(api.get("/runs/nope/events").status()).isEqualTo(404);
    }

    @Test
    void malformed_json_bodies_are_400_with_line_and_column() {
        String id = registerGreet();
        var response = api.postJson("/workflows/" + id + "/runs", "{\n  \"inputs\": {\"name\": }\n}");
        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("body");
        assertThat(error.get("line").asInt()).isEqualTo(2);
        assertThat(error.get("column").asInt()).isPositive();
    }

    @Test
    void truncated_and_too_deep_json_bodies_are_described_without_parser_internals() {
        String id = registerGreet();
        var truncated = api.postJson("/workflows/" + id + "/runs", "{\"inputs\":{");
        var deep = api.postJson("/workflows/" + id + "/runs", "[".repeat(1500) + "]".repeat(1500));
        for (var response : List.of(truncated, deep)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("detail").asText())
                    .doesNotContain("Source:", "StreamReadFeature", "StreamReadConstraints");
        }
        assertThat(truncated.json().get("detail").asText()).contains("opened at line 1");
    }

    @Test
    void unknown_fields_and_wrong_types_in_bodies_name_the_field() {
        String id = registerGreet();
        var unknown = api.postJson("/workflows/" + id + "/runs", "{\"input\": {}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("input");
        assertThat(unknown.json().get("detail").asText()).contains("unknown field 'input'");

        var wrongType = api.postJson("/workflows/" + id + "/runs", "{\"priority\": \"high\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("errors").get(0).get("field").asText()).isEqualTo("priority");

        var outOfRange = api.postJson("/workflows/" + id + "/runs", "{\"priority\": 1000}");
        assertThat(outOfRange.json().get("errors").get(0).get("field").asText()).isEqualTo("priority");

        var badWait = api.postJson("/workflows/" + id + "/runs?wait=soon", "{}");
        assertThat(badWait.json().get("errors").get(0).get("field").asText()).isEqualTo("wait");
    }

    @Test
    void oversized_bodies_are_413_and_the_server_keeps_serving() {
        String id = registerGreet();
        String big = "{\"inputs\": {\"name\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}}";
        var response = api.postJson("/workflows/" + id + "/runs", big);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("code").asText()).isEqualTo("payload-too-large");
        assertThat(api.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void oversized_chunked_bodies_without_a_length_are_413_too() {
        String id = registerGreet();
        byte[] big = ("{\"inputs\": {\"name\": \"" + "y".repeat(2 * 1024 * 1024) + "\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(api.uri("/workflows/" + id + "/runs"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
        var response = api.send(request, Map.of());
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("code").asText()).isEqualTo("payload-too-large");
    }

    @Test
    void non_json_run_bodies_are_415() {
        String id = registerGreet();
        var response = api.post("/workflows/" + id + "/runs", "text/csv", "name\nAda");
        assertThat(response.status()).isEqualTo(415);
    }
}
