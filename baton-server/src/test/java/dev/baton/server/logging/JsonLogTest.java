package dev.baton.server.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.testing.Fault;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node serving real HTTP writes its log through the server's JSON encoder: every line one JSON object with the
 * documented fields, and one request line per API call with its request id, method, path (no query string),
 * status and duration; polled routes (health) only at DEBUG.
 */
class JsonLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_line_is_a_json_object_and_each_api_call_gets_a_request_line() throws Exception {
        try (LogCapture logs = new LogCapture(); SecretNode node = new SecretNode()) {
            var models = node.openAiGet("/models", node.bearer());
            var missing = node.api.get("/runs/no-such-run?token=should-not-be-logged");
            var health = node.api.get("/health/live");
            List<JsonNode> lines = awaitRequestLine(logs, "/api/v1/health/live");

            for (JsonNode line : lines) {
                assertThat(line.isObject()).isTrue();
                assertThat(line.fieldNames()).toIterable().contains("@timestamp", "level", "logger", "thread",
                        "message");
            }
            JsonNode modelsLine = requestLine(lines, "/v1/models");
            assertThat(modelsLine.get("level").asText()).isEqualTo("INFO");
            assertThat(modelsLine.get("logger").asText()).isEqualTo("dev.baton.server.api.RequestLog");
            assertThat(modelsLine.get("method").asText()).isEqualTo("GET");
            assertThat(modelsLine.get("status").asInt()).isEqualTo(200);
            assertThat(modelsLine.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(modelsLine.get("requestId").asText()).isEqualTo(models.header("X-Request-Id"));
            assertThat(modelsLine.get("message").asText()).startsWith("GET /v1/models 200 ");

            JsonNode missingLine = requestLine(lines, "/api/v1/runs/no-such-run");
            assertThat(missingLine.get("status").asInt()).isEqualTo(404);
            assertThat(missingLine.get("requestId").asText()).isEqualTo(missing.header("X-Request-Id"));
            assertThat(missingLine.toString()).doesNotContain("should-not-be-logged");

            JsonNode healthLine = requestLine(lines, "/api/v1/health/live");
            assertThat(healthLine.get("level").asText()).isEqualTo("DEBUG");
            assertThat(health.status()).isEqualTo(200);
        }
    }

    @Test
    void a_line_written_while_a_step_attempt_runs_carries_the_run_workflow_step_and_attempt() throws Exception {
        try (LogCapture logs = new LogCapture();
             SecretNode node = new SecretNode("{windowSize: 1, minimumCalls: 1, failureRateThreshold: 50, openDuration: 1h}")) {
            node.api.post("/workflows", "application/yaml", """
                    id: breaks
                    steps:
                      ask: {uses: llm.chat, with: {model: fast, prompt: "hi"}}
                    """);
            node.upstream.always(Fault.status(500));

            var run = node.api.postJson("/workflows/breaks/runs?wait=60s", "{\"inputs\": {}}");
            assertThat(run.json().get("status").asText()).as(run.text()).isEqualTo("failed");

            JsonNode opened = null;
            for (String line : logs.jsonLines()) {
                JsonNode json = JSON.readTree(line);
                if (json.get("message").asText().startsWith("circuit breaker of deployment fake-1 opened")) {
                    opened = json;
                }
            }
            assertThat(opened).as(String.join("\n", logs.jsonLines())).isNotNull();
            assertThat(opened.get("level").asText()).isEqualTo("WARN");
            assertThat(opened.get("runId").asText()).isEqualTo(run.json().get("id").asText());
            assertThat(opened.get("workflowId").asText()).isEqualTo("breaks");
            assertThat(opened.get("stepId").asText()).isEqualTo("ask");
            assertThat(opened.get("attempt").asText()).isEqualTo("1");
        }
    }

    private static JsonNode requestLine(List<JsonNode> lines, String path) {
        return lines.stream().filter(l -> path.equals(l.path("path").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no request line for " + path + " in " + lines));
    }

    /** Request lines are written after the response is sent: waits for the one of {@code path}. */
    private static List<JsonNode> awaitRequestLine(LogCapture logs, String path) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            List<JsonNode> parsed = new ArrayList<>();
            for (String line : logs.jsonLines()) {
                parsed.add(JSON.readTree(line));
            }
            if (parsed.stream().anyMatch(l -> path.equals(l.path("path").asText())) || Instant.now().isAfter(deadline)) {
                return parsed;
            }
            Thread.sleep(10);
        }
    }
}
