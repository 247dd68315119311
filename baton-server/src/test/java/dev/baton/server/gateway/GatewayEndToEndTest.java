package dev.baton.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.testing.FakeAnswers;
import dev.baton.gateway.testing.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole stack over real HTTP: the /v1 API of a node whose gateway (metered → cache → router → OpenAI
 * provider) is configured with deployments on a fake OpenAI-compatible upstream.
 */
class GatewayEndToEndTest {
    private static final GatewayNode NODE = new GatewayNode("");

    @AfterAll
    static void close() {
        NODE.close();
    }

    @BeforeEach
    void reset() {
        NODE.upstream.reset();
        NODE.upstream.requireApiKey(GatewayNode.UPSTREAM_KEY);
    }

    private static String chat(String text) {
        return "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]}";
    }

    @Test
    void a_chat_completion_goes_upstream_with_the_deployment_model_and_key_and_comes_back_in_openai_shape() {
        var response = NODE.post("/v1/chat/completions", chat("hello world e2e"));

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(FakeAnswers.echo("hello world e2e"));
        assertThat(body.get("model").asText()).isEqualTo("fast");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(response.header("x-baton-deployment")).isEqualTo("fake-1");
        assertThat(response.header("x-baton-cache")).isEqualTo("miss");
        var upstream = NODE.upstream.lastRequest();
        assertThat(upstream.json().get("model").asText()).isEqualTo("gpt-fake");
        assertThat(upstream.header("authorization")).isEqualTo("Bearer " + GatewayNode.UPSTREAM_KEY);
    }

    @Test
    void an_identical_request_is_served_from_the_cache_unless_the_client_says_no_cache() {
        assertThat(NODE.post("/v1/chat/completions", chat("cache me")).header("x-baton-cache")).isEqualTo("miss");
        long before = NODE.upstream.requestCount();

        var hit = NODE.post("/v1/chat/completions", chat("cache me"));
        assertThat(hit.header("x-baton-cache")).isEqualTo("hit");
        assertThat(hit.header("x-baton-deployment")).isEqualTo("cache");
        assertThat(hit.json().get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(FakeAnswers.echo("cache me"));
        assertThat(NODE.upstream.requestCount()).isEqualTo(before);

        var fresh = NODE.post("/v1/chat/completions", chat("cache me"), Map.of("Cache-Control", "no-cache"));
        assertThat(fresh.header("x-baton-cache")).isEqualTo("miss");
        assertThat(NODE.upstream.requestCount()).isEqualTo(before + 1);

        JsonNode stats = NODE.get("/api/v1/gateway/cache").json();
        assertThat(stats.get("present").asBoolean()).isTrue();
        assertThat(stats.get("hits").asLong()).isPositive();
        assertThat(stats.get("misses").asLong()).isPositive();
        assertThat(NODE.send("DELETE", "/api/v1/gateway/cache", "application/json", "").status()).isEqualTo(204);
        assertThat(NODE.post("/v1/chat/completions", chat("cache me")).header("x-baton-cache")).isEqualTo("miss");
    }

    @Test
    void a_stream_relays_the_upstream_chunks_then_usage_then_done() {
        var response = NODE.post("/v1/chat/completions", """
                {"model": "fast", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "stream these words"}]}
                """);

        assertThat(response.status()).isEqualTo(200);
        List<String> events = events(response.text());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        JsonNode last = null;
        for (String event : events.subList(0, events.size() - 1)) {
            last = tree(event);
            last.path("choices").forEach(c -> text.append(c.get("delta").path("content").asText("")));
        }
        assertThat(text).hasToString(FakeAnswers.echo("stream these words"));
        assertThat(last.get("choices")).isEmpty();
        assertThat(last.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(last.get("usage").get("completion_tokens").asInt())
                .isEqualTo(FakeAnswers.tokens(FakeAnswers.echo("stream these words")));
    }

    @Test
    void a_stream_cut_by_the_upstream_after_its_first_chunk_ends_with_an_error_event_not_done() {
        NODE.upstream.enqueue(new Fault.MidStreamError("upstream exploded", false));
        var response = NODE.post("/v1/chat/completions", """
                {"model": "fast", "stream": true, "messages": [{"role": "user", "content": "one two three four five six"}]}
                """);

        assertThat(response.status()).isEqualTo(200);
        List<String> events = events(response.text());
        assertThat(events).isNotEmpty().doesNotContain("[DONE]");
        JsonNode error = tree(events.getLast()).get("error");
        assertThat(error).as(response.text()).isNotNull();
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void a_stream_failing_before_its_first_chunk_is_a_json_error_with_the_upstream_status_mapped() {
        NODE.upstream.enqueue(Fault.status(500));
        var response = NODE.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.json().get("error").get("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void an_upstream_429_reaches_the_client_as_429_with_its_retry_after() {
        NODE.upstream.enqueue(Fault.rateLimited("7"));
        var response = NODE.post("/v1/chat/completions", chat("limited"), Map.of("Cache-Control", "no-cache"));

        assertThat(response.status()).as(response.text()).isEqualTo(429);
        assertThat(response.header("Retry-After")).isEqualTo("7");
        assertThat(response.json().get("error").get("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void an_anthropic_deployment_answers_in_openai_shape_whole_and_streamed() {
        var whole = NODE.post("/v1/chat/completions", """
                {"model": "claude", "messages": [{"role": "system", "content": "be kind"},
                 {"role": "user", "content": "hello claude"}]}
                """);
        assertThat(whole.status()).as(whole.text()).isEqualTo(200);
        assertThat(whole.json().get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(FakeAnswers.echo("hello claude"));
        assertThat(whole.header("x-baton-deployment")).isEqualTo("fake-claude");
        assertThat(NODE.anthropic.lastRequest().json().get("model").asText()).isEqualTo("claude-fake");

        var streamed = NODE.post("/v1/chat/completions", """
                {"model": "claude", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "stream claude"}]}
                """);
        List<String> events = events(streamed.text());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        events.subList(0, events.size() - 1).forEach(e ->
                tree(e).path("choices").forEach(c -> text.append(c.get("delta").path("content").asText(""))));
        assertThat(text).hasToString(FakeAnswers.echo("stream claude"));
        assertThat(tree(events.get(events.size() - 2)).get("usage").get("prompt_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void an_unknown_model_is_404_model_not_found() {
        var response = NODE.post("/v1/chat/completions",
                "{\"model\": \"nope\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void embeddings_come_from_the_upstream_embedding_alias_in_base64_as_sdks_ask() {
        var response = NODE.post("/v1/embeddings",
                "{\"model\": \"vectors\", \"input\": [\"alpha\", \"beta\"], \"encoding_format\": \"base64\", \"dimensions\": 8}");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode second = response.json().get("data").get(1);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(second.get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = FakeAnswers.embedding("beta", 8);
        for (float v : expected) {
            assertThat(bytes.getFloat()).isEqualTo(v);
        }
        assertThat(bytes.hasRemaining()).isFalse();
        assertThat(NODE.upstream.lastRequest().json().get("model").asText()).isEqualTo("embed-fake");
    }

    @Test
    void models_lists_the_configured_aliases() {
        JsonNode models = NODE.get("/v1/models").json();
        assertThat(models.get("data")).extracting(m -> m.get("id").asText())
                .containsExactly("claude", "fast", "vectors");
        assertThat(NODE.get("/v1/models/vectors").json().get("id").asText()).isEqualTo("vectors");
    }

    @Test
    void usage_of_direct_calls_is_recorded_and_rolled_up_by_deployment() throws InterruptedException {
        NODE.post("/v1/chat/completions", chat("count my tokens please"), Map.of("Cache-Control", "no-cache"));

        JsonNode row = awaitUsage("fake-1");
        assertThat(row.get("calls").asLong()).isPositive();
        assertThat(row.get("inputTokens").asLong()).isPositive();
        assertThat(row.get("costUsd").asDouble()).isPositive();
        JsonNode byPrincipal = NODE.get("/api/v1/usage?groupBy=principal").json();
        assertThat(byPrincipal.get("items")).extracting(i -> i.get("key").asText()).contains("anonymous");
    }

    @Test
    void an_operator_disables_and_enables_a_deployment_and_sees_its_counters() {
        NODE.post("/v1/chat/completions", chat("admin"), Map.of("Cache-Control", "no-cache"));
        JsonNode list = NODE.get("/api/v1/gateway/deployments").json();
        assertThat(list.get("items")).extracting(i -> i.get("id").asText()).contains("fake-1", "fake-embed");
        JsonNode fake = NODE.get("/api/v1/gateway/deployments/fake-1").json();
        assertThat(fake.get("requests").asLong()).isPositive();
        assertThat(fake.get("breaker").asText()).isEqualTo("closed");

        try {
            assertThat(NODE.post("/api/v1/gateway/deployments/fake-1/disable", "").json().get("enabled").asBoolean())
                    .isFalse();
            var refused = NODE.post("/v1/chat/completions", chat("while disabled"), Map.of("Cache-Control", "no-cache"));
            assertThat(refused.status()).as(refused.text()).isGreaterThanOrEqualTo(500);
        } finally {
            NODE.post("/api/v1/gateway/deployments/fake-1/enable", "");
        }
        assertThat(NODE.post("/v1/chat/completions", chat("enabled again"), Map.of("Cache-Control", "no-cache"))
                .status()).isEqualTo(200);
    }

    /** Polls the usage API until the recorder has flushed a row for {@code deployment} (it batches off the request path). */
    private static JsonNode awaitUsage(String deployment) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            for (JsonNode item : NODE.get("/api/v1/usage?groupBy=deployment").json().get("items")) {
                if (item.get("key").asText().equals(deployment)) {
                    return item;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no usage recorded for " + deployment);
            }
            Thread.sleep(50);
        }
    }

    static JsonNode tree(String text) {
        try {
            return GatewayNode.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            if (frame.startsWith("data: ")) {
                events.add(frame.substring(6));
            }
        }
        return events;
    }
}
