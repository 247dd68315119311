package dev.baton.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.testing.Fault;
import dev.baton.gateway.testing.FakeOpenAiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What only the OpenAI-compatible provider does; the shared behaviour is in {@link OpenAiProviderContractTest}. */
class OpenAiProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeOpenAiServer upstream = new FakeOpenAiServer();
    private final OpenAiProvider provider = new OpenAiProvider(Map.of());
    private final Deployment deployment = Deployment.of("fake", "openai", upstream.baseUrl(), "gpt-fake");

    @AfterEach
    void close() {
        provider.close();
        upstream.close();
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.of("gpt-fake", List.of(ChatMessage.user(text)));
    }

    @Test
    void streams_request_usage_and_estimate_it_when_the_server_sends_none() {
        upstream.omitStreamUsage(true);
        StreamResult result = provider.stream(deployment, ask("count these words please"), chunk -> { });
        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(result.usage().estimated()).isTrue();
        assertThat(result.usage().inputTokens()).isEqualTo(("count these words please".length() + 3) / 4);
        assertThat(result.usage().outputTokens()).isEqualTo(("You said: count these words please".length() + 3) / 4);
    }

    @Test
    void sends_tools_tool_choice_and_json_schema_in_openai_form() throws Exception {
        JsonNode parameters = JSON.readTree("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}");
        JsonNode schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
        ChatRequest request = new ChatRequest("gpt-fake", List.of(ChatMessage.user("hi")),
                List.of(new ToolDefinition("search", "Search the web", parameters, true)), new ToolChoice.Auto(),
                new ResponseFormat.JsonSchema("answer", schema, true), null, null, null, List.of(), null, null);
        provider.chat(deployment, request);
        JsonNode sent = upstream.lastRequest().json();
        JsonNode function = sent.path("tools").get(0).path("function");
        assertThat(sent.path("tools").get(0).path("type").asText()).isEqualTo("function");
        assertThat(function.path("name").asText()).isEqualTo("search");
        assertThat(function.path("description").asText()).isEqualTo("Search the web");
        assertThat(function.path("parameters")).isEqualTo(parameters);
        assertThat(function.path("strict").asBoolean()).isTrue();
        assertThat(sent.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_schema");
        assertThat(sent.path("response_format").path("json_schema").path("name").asText()).isEqualTo("answer");
        assertThat(sent.path("response_format").path("json_schema").path("schema")).isEqualTo(schema);

        provider.chat(deployment, new ChatRequest("gpt-fake", List.of(ChatMessage.user("hi")),
                List.of(new ToolDefinition("search", null, null, false)), new ToolChoice.Function("search"), null,
                null, null, null, List.of(), null, null));
        assertThat(upstream.lastRequest().json().path("tool_choice").path("function").path("name").asText())
                .isEqualTo("search");
    }

    @Test
    void sends_assistant_tool_calls_and_tool_results_in_openai_form() {
        ChatMessage calls = new ChatMessage(dev.baton.gateway.api.Role.ASSISTANT, null, null,
                List.of(new ToolCall("call_1", "search", "{\"q\":\"x\"}")), null);
        provider.chat(deployment, ChatRequest.of("gpt-fake", List.of(ChatMessage.user("find x"), calls,
                ChatMessage.tool("call_1", "found"))));
        JsonNode messages = upstream.lastRequest().json().path("messages");
        assertThat(messages.get(1).path("content").isNull()).isTrue();
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"q\":\"x\"}");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo("call_1");
    }

    @Test
    void sends_max_completion_tokens_to_openai_itself_and_max_tokens_elsewhere() {
        ChatRequest request = new ChatRequest("m", List.of(ChatMessage.user("hi")), List.of(), null, null, null, null,
                50, List.of(), null, null);
        assertThat(OpenAiWire.chatBody(request, false, true).path("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(OpenAiWire.chatBody(request, false, true).has("max_tokens")).isFalse();
        assertThat(OpenAiWire.chatBody(request, false, false).path("max_tokens").asInt()).isEqualTo(50);
        assertThat(OpenAiProvider.isOpenAi(Deployment.of("o", "openai", URI.create("https://api.openai.com/v1"), "m")))
                .isTrue();
        assertThat(OpenAiProvider.isOpenAi(Deployment.of("a", "openai",
                URI.create("https://my-resource.openai.azure.com/openai/v1"), "m"))).isTrue();
        assertThat(OpenAiProvider.isOpenAi(deployment)).isFalse();
    }

    @Test
    void orders_embeddings_by_index_and_sends_dimensions() throws Exception {
        JsonNode answer = JSON.readTree("{\"data\":[{\"index\":1,\"embedding\":[0.5,0.5]},"
                + "{\"index\":0,\"embedding\":[1.0,0.0]}],\"usage\":{\"prompt_tokens\":3}}");
        var response = OpenAiWire.embeddingResponse(answer, EmbeddingRequest.of("e", List.of("a", "b")), "t");
        assertThat(response.vectors().get(0)).containsExactly(1.0f, 0.0f);
        assertThat(response.vectors().get(1)).containsExactly(0.5f, 0.5f);
        assertThat(response.usage().inputTokens()).isEqualTo(3);

        provider.embed(deployment, new EmbeddingRequest("e", List.of("x"), 4, null));
        JsonNode sent = upstream.lastRequest().json();
        assertThat(sent.path("dimensions").asInt()).isEqualTo(4);
        assertThat(sent.path("encoding_format").asText()).isEqualTo("float");
        assertThat(sent.path("input").isArray()).isTrue();
    }

    @Test
    void a_completion_without_choices_or_with_too_few_embeddings_is_an_invalid_response() {
        upstream.enqueue(new Fault.Status(200, "{\"id\":\"x\",\"choices\":[]}", null),
                new Fault.Status(200, "{\"data\":[{\"index\":0,\"embedding\":[1]}]}", null));
        BatonException chat = assertFails(() -> provider.chat(deployment, ask("hi")));
        BatonException embed = assertFails(() -> provider.embed(deployment,
                EmbeddingRequest.of("e", List.of("a", "b"))));
        assertThat(chat.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
        assertThat(embed.code()).isEqualTo(ErrorCode.UPSTREAM_INVALID_RESPONSE);
        assertThat(embed.getMessage()).contains("expected 2 embeddings");
    }

    @Test
    void a_refusal_is_returned_as_content_filtered_text() throws Exception {
        JsonNode answer = JSON.readTree("{\"id\":\"c\",\"choices\":[{\"message\":{\"role\":\"assistant\","
                + "\"content\":null,\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\"}]}");
        var response = OpenAiWire.chatResponse(answer, ask("x"), "t");
        assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(response.message().content()).isEqualTo("I can't help with that.");
        assertThat(response.usage().estimated()).isTrue();
    }

    @Test
    void scripted_tool_calls_stream_as_deltas_with_the_finish_reason_last() {
        upstream.enqueueToolCalls(new ToolCall("call_9", "lookup", "{\"id\":42}"));
        List<ChatChunk> chunks = new ArrayList<>();
        StreamResult result = provider.stream(deployment, ask("hi"), chunks::add);
        assertThat(chunks.getFirst().toolCalls().getFirst().id()).isEqualTo("call_9");
        assertThat(chunks.getLast().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(result.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    private static BatonException assertFails(Runnable call) {
        try {
            call.run();
        } catch (BatonException e) {
            return e;
        }
        throw new AssertionError("expected a BatonException");
    }
}
