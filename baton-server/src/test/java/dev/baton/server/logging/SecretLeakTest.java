package dev.baton.server.logging;

import dev.baton.gateway.testing.Fault;
import dev.baton.server.api.ApiClient.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plants two secrets (an upstream deployment's API key and a client key), drives everything that could echo
 * them (chat calls that succeed, fail with the key in the upstream's error body, fail mid-stream, are refused
 * for a wrong client key; an {@code llm.chat} workflow whose step fails the same way; the gateway's admin, usage
 * and health routes), and checks that neither value appears in any response body, header, problem detail, run
 * record, or log line — in the JSON and text formats and in the raw events before masking.
 */
class SecretLeakTest {

    @Test
    void planted_secrets_appear_in_no_response_and_no_log_line() throws Exception {
        List<String> responses = new ArrayList<>();
        try (LogCapture logs = new LogCapture(); SecretNode node = new SecretNode()) {
            String key = node.upstreamKey;
            String echo = "{\"error\": {\"message\": \"Incorrect API key provided: " + key
                          + ". You can find your API key at https://platform.example/account\", \"type\": "
                          + "\"invalid_request_error\", \"code\": \"invalid_api_key\"}}";

            // a call that succeeds: the key went upstream
            Response ok = node.chat(chat("hello", false), node.bearer());
            record(responses, ok);
            assertThat(ok.status()).as(ok.text()).isEqualTo(200);
            assertThat(node.upstream.lastRequest().header("authorization")).isEqualTo("Bearer " + key);

            // upstream errors whose bodies quote the key: 401, 400, 500, and in a stream
            node.upstream.enqueue(Fault.status(401, echo));
            record(responses, node.chat(chat("a", false), node.bearer()));
            node.upstream.enqueue(Fault.status(400, echo));
            record(responses, node.chat(chat("b", false), node.bearer()));
            node.upstream.enqueue(Fault.status(500, echo));
            record(responses, node.chat(chat("c", false), node.bearer()));
            node.upstream.enqueue(Fault.midStreamRequestError("invalid key " + key));
            record(responses, node.chat(chat("d e f g h i j k", true), node.bearer()));

            // client keys: a wrong one that contains the real one, none, the right one on /v1/models
            record(responses, node.chat(chat("x", false), Map.of("Authorization", "Bearer " + node.clientKey + "x")));
            record(responses, node.chat(chat("x", false), Map.of("Authorization", "Bearer x" + node.clientKey)));
            record(responses, node.chat(chat("x", false), Map.of()));
            record(responses, node.openAiGet("/models", node.bearer()));

            // a workflow whose llm.chat step fails with the key in the upstream's answer
            Response registered = node.api.post("/workflows", "application/yaml", """
                    id: leaky
                    steps:
                      ask: {uses: llm.chat, with: {model: fast, prompt: "hi"}}
                    outputs: {text: "{{ steps.ask.output.text }}"}
                    """);
            record(responses, registered);
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            node.upstream.always(Fault.status(401, echo));
            Response run = node.api.postJson("/workflows/leaky/runs?wait=60s", "{\"inputs\": {}}");
            record(responses, run);
            assertThat(run.json().get("status").asText()).as(run.text()).isEqualTo("failed");
            String runId = run.json().get("id").asText();
            record(responses, node.api.get("/runs/" + runId));
            record(responses, node.api.get("/runs?workflow=leaky"));

            // operator routes
            record(responses, node.api.get("/gateway/deployments"));
            record(responses, node.api.get("/gateway/deployments/fake-1"));
            record(responses, awaitUsage(node, "team-a"));
            record(responses, node.api.get("/usage?groupBy=deployment"));
            record(responses, node.api.get("/health"));
            record(responses, node.api.get("/health/ready"));
            awaitLogged(logs, "GET /api/v1/health/ready");

            String everything = String.join("\n", responses);
            // the upstream did echo the key, and Baton relayed its message with the key redacted
            assertThat(everything).contains("Incorrect API key provided: ***", "invalid key ***", "fake-1", "team-a");
            for (String secret : List.of(node.upstreamKey, node.clientKey)) {
                assertThat(everything).as("responses").doesNotContain(secret);
                assertThat(String.join("\n", logs.jsonLines())).as("JSON log").doesNotContain(secret);
                assertThat(logs.text()).as("text log").doesNotContain(secret);
                assertThat(logs.raw()).as("log events before masking").doesNotContain(secret);
            }
            assertThat(logs.jsonLines()).isNotEmpty();
        }
    }

    private static String chat(String text, boolean stream) {
        return "{\"model\": \"fast\", \"stream\": " + stream + ", \"messages\": [{\"role\": \"user\", \"content\": \""
               + text + "\"}]}";
    }

    /** Keeps the status line, headers and body of a response. */
    private static void record(List<String> responses, Response response) {
        responses.add(response.status() + " " + response.headers().map() + "\n" + response.text());
    }

    /** Usage records are written in the background: waits until the key's calls are counted. */
    private static Response awaitUsage(SecretNode node, String principal) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            Response usage = node.api.get("/usage?groupBy=principal");
            if (usage.text().contains("\"" + principal + "\"") || Instant.now().isAfter(deadline)) {
                return usage;
            }
            Thread.sleep(20);
        }
    }

    /** Request lines are written after the response is sent: waits for the last one. */
    private static void awaitLogged(LogCapture logs, String text) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!logs.text().contains(text) && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
    }
}
