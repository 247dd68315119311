package dev.baton.server.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
