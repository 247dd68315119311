package dev.baton.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.testing.FakeAnthropicServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What only the Anthropic provider does; the shared behaviour is in {@link AnthropicProviderContractTest}. */
class AnthropicProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeAnthropicServer upstream = new FakeAnthropicServer();
    private final AnthropicProvider provider = new AnthropicProvider(Map.of());
    private final Deployment deployment = Deployment.of("fake", "anthropic", upstream.baseUrl(), "claude-fake");

    @AfterEach
    void close() {
        provider.close();
        upstream.close();
    }

    @Test
    void sends_the_default_max_tokens_when_the_request_has_none() {
        provider.chat(deployment, ChatRequest.of("claude-fake", List.of(ChatMessage.user("hi"))));
        assertThat(upstream.lastRequest().json().path("max_tokens").asInt()).isEqualTo(AnthropicWire.DEFAULT_MAX_TOKENS);
    }

    @Test
    void merges_consecutive_tool_results_into_one_user_message_after_the_tool_use_blocks() {
        ChatMessage calls = new ChatMessage(Role.ASSISTANT, "Let me look.", null, List.of(
                new ToolCall("t1", "lookup", "{\"id\":1}"), new ToolCall("t2", "lookup", "{\"id\":2}")), null);
        provider.chat(deployment, ChatRequest.of("claude-fake", List.of(ChatMessage.system("Sys one."),
                ChatMessage.user("look up 1 and 2"), calls, ChatMessage.tool("t1", "one"), ChatMessage.tool("t2", "two"),
                ChatMessage.system("Sys two."))));
        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.path("system").asText()).isEqualTo("Sys one.\n\nSys two.");
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(3);
        JsonNode assistant = messages.get(1).path("content");
        assertThat(assistant.get(0).path("type").asText()).isEqualTo("text");
        assertThat(assistant.get(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(assistant.get(1).path("input").path("id").asInt()).isEqualTo(1);
        JsonNode results = messages.get(2).path("content");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
        assertThat(results).extracting(b -> b.path("tool_use_id").asText()).containsExactly("t1", "t2");
    }

    @Test
    void structured_output_forces_a_tool_whose_input_schema_is_the_schema() throws Exception {
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}}}");
        var response = provider.chat(deployment, new ChatRequest("claude-fake", List.of(ChatMessage.user("hi")),
                List.of(), null, new ResponseFormat.JsonSchema("result", schema, true), null, null, null, List.of(),
                null, null));
        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.path("tool_choice").path("type").asText()).isEqualTo("tool");
        assertThat(sent.path("tool_choice").path("name").asText()).isEqualTo("result");
        assertThat(sent.path("tools").get(0).path("input_schema")).isEqualTo(schema);
        assertThat(JSON.readTree(response.message().content()).path("x").isInt()).isTrue();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void maps_tool_choices() {
        ToolDefinition tool = new ToolDefinition("lookup", null, null, false);
        for (var choice : List.of(Map.entry(new ToolChoice.Auto(), "auto"), Map.entry(new ToolChoice.None(), "none"),
                Map.entry(new ToolChoice.Required(), "any"), Map.entry(new ToolChoice.Function("lookup"), "tool"))) {
            JsonNode body = AnthropicWire.body(new ChatRequest("m", List.of(ChatMessage.user("hi")), List.of(tool),
                    choice.getKey(), null, null, null, null, List.of(), null, null), false);
            assertThat(body.path("tool_choice").path("type").asText()).isEqualTo(choice.getValue());
            assertThat(body.path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
        }
    }

    @Test
    void tool_call_arguments_that_are_not_a_json_object_are_invalid_input() {
        ChatMessage calls = new ChatMessage(Role.ASSISTANT, null, null, List.of(new ToolCall("t1", "f", "[1")), null);
        try {
            AnthropicWire.body(ChatRequest.of("m", List.of(ChatMessage.user("hi"), calls)), false);
            throw new AssertionError("expected INVALID_INPUT");
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.getMessage()).contains("messages[1].toolCalls[0].arguments");
        }
    }

    @ParameterizedTest
    @CsvSource({"end_turn,false,STOP", "stop_sequence,false,STOP", "max_tokens,false,LENGTH",
            "tool_use,false,TOOL_CALLS", "tool_use,true,STOP", "refusal,false,CONTENT_FILTER"})
    void maps_stop_reasons(String reason, boolean structured, FinishReason expected) {
        assertThat(AnthropicWire.finishReason(reason, structured)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"rate_limit_error,RATE_LIMITED", "overloaded_error,UPSTREAM_UNAVAILABLE",
            "api_error,UPSTREAM_UNAVAILABLE", "invalid_request_error,UPSTREAM_REJECTED"})
    void maps_error_event_types(String type, ErrorCode code) {
        JsonNode error = JSON.createObjectNode().put("type", type).put("message", "boom");
        BatonException e = AnthropicWire.error(error, "t", null);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).contains(type).contains("boom");
    }

    @Test
    void counts_cache_tokens_as_input() throws Exception {
        JsonNode usage = JSON.readTree("{\"input_tokens\":10,\"cache_creation_input_tokens\":5,"
                + "\"cache_read_input_tokens\":100,\"output_tokens\":7}");
        var read = AnthropicWire.usage(usage, null);
        assertThat(read.inputTokens()).isEqualTo(115);
        assertThat(read.outputTokens()).isEqualTo(7);
    }

    @Test
    void has_no_embeddings() {
        try {
            provider.embed(deployment, dev.baton.gateway.api.EmbeddingRequest.of("e", List.of("x")));
            throw new AssertionError("expected UPSTREAM_REJECTED");
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
            assertThat(e.getMessage()).contains("Anthropic has no embeddings API");
        }
        assertThat(upstream.requestCount()).isZero();
    }
}
