package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.Usage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/chat/completions} over real HTTP against a scripted gateway: the wire mapping both ways. */
class ChatCompletionsApiTest {
    private static final ScriptedServer SERVER = new ScriptedServer(ClientKeys.open());
    private final ScriptedGateway gateway = SERVER.gateway;

    @AfterAll
    static void close() {
        SERVER.close();
    }

    @BeforeEach
    void reset() {
        gateway.failure = null;
        gateway.streamFailure = null;
        gateway.chunks = List.of(ChatChunk.text("Hel"), ChatChunk.text("lo"), new ChatChunk(null, null, FinishReason.STOP));
    }

    @Test
    void maps_every_supported_parameter_into_the_gateway_request() {
        var response = SERVER.post("/v1/chat/completions", """
                {"model": "fast",
                 "messages": [
                   {"role": "developer", "content": "be brief"},
                   {"role": "user", "content": [{"type": "text", "text": "what is "}, {"type": "text", "text": "2+2?"}],
                    "name": "ann"},
                   {"role": "assistant", "content": null,
                    "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "add", "arguments": "{\\"a\\":2}"}}]},
                   {"role": "tool", "tool_call_id": "call_1", "content": "4"}],
                 "tools": [{"type": "function", "function": {"name": "add", "description": "adds",
                            "parameters": {"type": "object"}, "strict": true}}],
                 "tool_choice": {"type": "function", "function": {"name": "add"}},
                 "response_format": {"type": "json_schema", "json_schema": {"name": "answer",
                                     "schema": {"type": "object"}, "strict": true}},
                 "temperature": 0.2, "top_p": 0.9, "max_completion_tokens": 50, "stop": "END", "seed": 7,
                 "user": "u-1", "n": 1, "logprobs": false, "frequency_penalty": 0, "metadata": {"k": "v"},
                 "store": false, "parallel_tool_calls": true, "stream": false}
                """);

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        ChatRequest seen = gateway.lastChat;
        assertThat(seen.model()).isEqualTo("fast");
        assertThat(seen.messages()).extracting(ChatMessage::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(seen.messages().get(1).content()).isEqualTo("what is 2+2?");
        assertThat(seen.messages().get(1).name()).isEqualTo("ann");
        assertThat(seen.messages().get(2).toolCalls()).containsExactly(new ToolCall("call_1", "add", "{\"a\":2}"));
        assertThat(seen.messages().get(3).toolCallId()).isEqualTo("call_1");
        assertThat(seen.tools()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("add");
            assertThat(t.strict()).isTrue();
            assertThat(t.parameters().get("type").asText()).isEqualTo("object");
        });
        assertThat(seen.toolChoice()).isEqualTo(new ToolChoice.Function("add"));
        assertThat(seen.responseFormat()).isInstanceOfSatisfying(ResponseFormat.JsonSchema.class, f -> {
            assertThat(f.name()).isEqualTo("answer");
            assertThat(f.strict()).isTrue();
        });
        assertThat(seen.temperature()).isEqualTo(0.2);
        assertThat(seen.topP()).isEqualTo(0.9);
        assertThat(seen.maxTokens()).isEqualTo(50);
        assertThat(seen.stop()).containsExactly("END");
        assertThat(seen.seed()).isEqualTo(7L);
        assertThat(seen.user()).isEqualTo("u-1");
        assertThat(gateway.lastCall.principal()).isEqualTo("anonymous");
        assertThat(gateway.lastCall.useCache()).isTrue();
    }

    @Test
    void answers_in_openai_chat_completion_shape_with_baton_headers() {
        gateway.chat = r -> new ChatResponse("resp-9", new ChatMessage(Role.ASSISTANT, null, null,
                List.of(new ToolCall("call_7", "lookup", "{}")), null), FinishReason.TOOL_CALLS,
                new Usage(11, 4, false), ScriptedGateway.SERVED);
        var response = SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                Map.of("X-Request-Id", "req-42"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("x-request-id")).isEqualTo("req-42");
        assertThat(response.header("x-baton-deployment")).isEqualTo("dep-a");
        assertThat(response.header("x-baton-cache")).isEqualTo("miss");
        JsonNode body = response.json();
        assertThat(body.get("id").asText()).isEqualTo("resp-9");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("fast");
        assertThat(body.get("created").asLong()).isPositive();
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").isNull()).isTrue();
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertThat(call.get("id").asText()).isEqualTo("call_7");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.get("function").get("name").asText()).isEqualTo("lookup");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void cache_control_no_cache_bypasses_the_response_cache() {
        SERVER.post("/v1/chat/completions", "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                Map.of("Cache-Control", "no-cache"));
        assertThat(gateway.lastCall.useCache()).isFalse();
    }

    @Test
    void a_client_idempotency_key_is_passed_to_the_gateway_and_a_blank_one_is_a_bad_request() {
        String body = "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        SERVER.post("/v1/chat/completions", body, Map.of("Idempotency-Key", "order-42"));
        assertThat(gateway.lastCall.idempotencyKey()).isEqualTo("order-42");

        SERVER.post("/v1/chat/completions", body);
        assertThat(gateway.lastCall.idempotencyKey()).isNull();

        var blank = SERVER.post("/v1/chat/completions", body, Map.of("Idempotency-Key", " "));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.text()).contains("Idempotency-Key");
    }

    @Test
    void streams_chunks_as_server_sent_events_ending_with_usage_and_done() {
        var response = SERVER.post("/v1/chat/completions", """
                {"model": "fast", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "hi"}]}
                """);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/event-stream");
        List<String> events = events(response.text());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            chunks.add(ScriptedServer.tree(event));
        }
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).startsWith("chatcmpl-").isEqualTo(chunks.getFirst().get("id").asText());
            assertThat(c.get("model").asText()).isEqualTo("fast");
        });
        assertThat(chunks.getFirst().get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.path("choices").forEach(ch -> text.append(ch.get("delta").path("content").asText(""))));
        assertThat(text).hasToString("Hello");
        assertThat(chunks.get(2).get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void a_stream_without_a_finishing_chunk_gets_one_and_no_usage_unless_asked() {
        gateway.chunks = List.of(ChatChunk.text("Hi"));
        var response = SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        List<String> events = events(response.text());
        assertThat(events).hasSize(3);
        JsonNode finish = ScriptedServer.tree(events.get(1));
        assertThat(finish.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.has("usage")).isFalse();
        assertThat(events.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void a_stream_cut_after_its_first_chunk_ends_with_an_error_event_and_no_done() {
        gateway.chunks = List.of(ChatChunk.text("Hel"));
        gateway.streamFailure = new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "the upstream stream was cut");
        var response = SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.status()).isEqualTo(200);
        List<String> events = events(response.text());
        assertThat(events).doesNotContain("[DONE]");
        JsonNode error = ScriptedServer.tree(events.getLast()).get("error");
        assertThat(error.get("message").asText()).contains("the upstream stream was cut");
        assertThat(error.get("type").asText()).isEqualTo("upstream_error");
        assertThat(error.get("code").asText()).isEqualTo("upstream-unavailable");
    }

    @Test
    void a_stream_failing_before_its_first_chunk_is_an_ordinary_error_response() {
        gateway.failure = BatonException.rateLimited("too many requests for deployment dep-a", Duration.ofSeconds(7));
        var response = SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.header("Retry-After")).isEqualTo("7");
        assertThat(response.header("x-should-retry")).isEqualTo("true");
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.error().get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(response.error().get("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void gateway_errors_use_the_one_status_mapper_in_openai_error_shape() {
        gateway.failure = BatonException.notFound("model", "nope");
        var notFound = SERVER.post("/v1/chat/completions",
                "{\"model\": \"nope\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.error().get("code").asText()).isEqualTo("model_not_found");
        assertThat(notFound.error().get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(notFound.error().has("param")).isTrue();

        gateway.failure = new BatonException(ErrorCode.BUDGET_EXCEEDED, "the key's budget is spent");
        var budget = SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertThat(budget.status()).isEqualTo(429);
        assertThat(budget.error().get("code").asText()).isEqualTo("insufficient_quota");
        assertThat(budget.header("x-should-retry")).isEqualTo("false");
        assertThat(budget.header("Retry-After")).isNull();

        gateway.failure = new BatonException(ErrorCode.UPSTREAM_REJECTED, "the upstream said 400");
        var rejected = SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertThat(rejected.status()).isEqualTo(502);
        assertThat(rejected.header("x-should-retry")).isEqualTo("false");

        gateway.failure = new BatonException(ErrorCode.TIMEOUT, "every deployment timed out");
        assertThat(SERVER.post("/v1/chat/completions",
                "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").status())
                .isEqualTo(504);
    }

    @Test
    void bad_requests_are_400_naming_the_parameter() {
        assertParam("{\"model\": \"fast\", \"messages\": [", "body");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temprature\": 1}",
                "temprature");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": \"hot\"}",
                "temperature");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": 3}",
                "temperature");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_p\": 0}",
                "top_p");
        assertParam("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "model");
        assertParam("{\"model\": \"fast\", \"messages\": []}", "messages");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}",
                "messages[0].role");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", "
                + "\"image_url\": {\"url\": \"http://x\"}}]}]}", "messages[0].content[0].type");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}",
                "messages[0].tool_call_id");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"n\": 2}", "n");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logprobs\": true}",
                "logprobs");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                + "\"parallel_tool_calls\": false}", "parallel_tool_calls");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                + "\"audio\": {\"voice\": \"alloy\", \"format\": \"mp3\"}}", "audio");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                + "\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", "stop");
        assertParam("{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], "
                + "\"stream_options\": {\"include_usage\": true}}", "stream_options");
    }

    private static void assertParam(String body, String param) {
        var response = SERVER.post("/v1/chat/completions", body);
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.error().get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(response.error().get("param").asText()).as(response.text()).isEqualTo(param);
        assertThat(response.error().get("message").asText()).contains(param);
    }

    /** The {@code data:} payloads of an SSE body, in order. */
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
