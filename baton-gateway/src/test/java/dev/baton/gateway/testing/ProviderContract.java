package dev.baton.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every HTTP {@link dev.baton.gateway.provider.Provider} passes against its fake upstream: chat round
 * trips of every request field, tool calls and tool results, structured output, streaming (order, usage, tool call
 * deltas), embeddings, and (inherited from {@link ProviderFaultContract}) the error, timeout, key and cancellation
 * rules. Extend it once per provider and implement the {@link ProviderFixture} hooks plus
 * {@link #assertSentChatFields}.
 */
public abstract class ProviderContract extends ProviderFaultContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Checks the wire form of {@link #everyField()} as the fake received it: each field where the provider's API
     * wants it.
     */
    protected abstract void assertSentChatFields(RecordedRequest request);

    /** A request using every field of {@link ChatRequest} that a text answer allows. */
    protected static ChatRequest everyField() {
        return new ChatRequest("model-x", List.of(ChatMessage.system("Be brief."), ChatMessage.user("first question"),
                ChatMessage.assistant("first answer"), ChatMessage.user("second question please")), List.of(), null,
                null, 0.3, 0.9, 100, List.of("END"), 7L, "user-1");
    }

    @Test
    void chat_sends_every_field_and_reads_text_finish_reason_and_usage() {
        ChatRequest request = everyField();
        ChatResponse response = provider.chat(deployment(), request);

        String expected = FakeAnswers.echo("second question please");
        assertThat(response.message().role()).isEqualTo(Role.ASSISTANT);
        assertThat(response.message().content()).isEqualTo(expected);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.id()).isNotBlank();
        assertThat(response.served()).isNull();
        assertThat(response.usage().inputTokens()).isEqualTo(promptWords(request));
        assertThat(response.usage().outputTokens()).isEqualTo(FakeAnswers.tokens(expected));
        assertThat(response.usage().estimated()).isFalse();
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("model-x");
        assertSentChatFields(upstream.lastRequest());
    }

    @Test
    void hitting_max_tokens_finishes_with_length() {
        ChatRequest request = new ChatRequest("model-x", List.of(ChatMessage.user("a b c d e")), List.of(), null, null,
                null, null, 2, List.of(), null, null);
        ChatResponse response = provider.chat(deployment(), request);
        assertThat(response.message().content()).isEqualTo("You said:");
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void a_forced_tool_call_comes_back_as_a_tool_call_with_json_arguments() throws IOException {
        ChatResponse response = provider.chat(deployment(), weatherRequest(new ToolChoice.Function("get_weather")));
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(response.message().toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.id()).isNotBlank();
        });
        JsonNode arguments = JSON.readTree(response.message().toolCalls().getFirst().arguments());
        assertThat(arguments.path("city").asText()).isEqualTo("weather in Paris?");
    }

    @Test
    void required_tool_choice_makes_the_model_call_a_tool() {
        ChatResponse response = provider.chat(deployment(), weatherRequest(new ToolChoice.Required()));
        assertThat(response.message().toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
    }

    @Test
    void tool_results_are_sent_back_and_answered() {
        ChatMessage calls = new ChatMessage(Role.ASSISTANT, null, null, List.of(
                new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "get_weather", "{\"city\":\"Oslo\"}")), null);
        ChatRequest request = new ChatRequest("model-x", List.of(ChatMessage.system("You report weather."),
                ChatMessage.user("weather in Paris and Oslo?"), calls, ChatMessage.tool("call_a", "sunny"),
                ChatMessage.tool("call_b", "snow")), List.of(weatherTool()), new ToolChoice.Auto(), null, null, null,
                null, List.of(), null, null);
        ChatResponse response = provider.chat(deployment(), request);
        assertThat(response.message().content()).isEqualTo("Tool said: snow");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void json_schema_structured_output_is_returned_as_message_text() throws IOException {
        ChatResponse response = provider.chat(deployment(), structured(notesSchema()));
        JsonNode answer = JSON.readTree(response.message().content());
        assertThat(answer.path("summary").asText()).isEqualTo("meeting notes");
        assertThat(answer.path("actions").isArray()).isTrue();
        assertThat(answer.path("priority").asText()).isEqualTo("high");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.message().toolCalls()).isEmpty();
    }

    @Test
    void a_schema_whose_root_is_not_an_object_still_yields_that_value() throws IOException {
        JsonNode schema = JSON.readTree("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
        ChatResponse response = provider.chat(deployment(), structured(schema));
        assertThat(JSON.readTree(response.message().content()).isArray()).isTrue();
    }

    @Test
    void json_object_output_is_a_json_object() throws IOException {
        ChatRequest request = new ChatRequest("model-x", List.of(ChatMessage.user("give json")), List.of(), null,
                new ResponseFormat.JsonObject(), null, null, null, List.of(), null, null);
        assertThat(JSON.readTree(provider.chat(deployment(), request).message().content()).isObject()).isTrue();
    }

    @Test
    void a_stream_delivers_the_text_in_order_with_usage_and_finish_reason() {
        ChatRequest request = everyField();
        List<ChatChunk> chunks = new ArrayList<>();
        StreamResult result = provider.stream(deployment(), request, chunks::add);

        String expected = FakeAnswers.echo("second question please");
        assertThat(text(chunks)).isEqualTo(expected);
        assertThat(chunks.stream().filter(c -> c.content() != null).count())
                .isEqualTo(FakeAnswers.pieces(expected).size());
        assertThat(chunks.getLast().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.id()).isNotBlank();
        assertThat(result.usage().inputTokens()).isEqualTo(promptWords(request));
        assertThat(result.usage().outputTokens()).isEqualTo(FakeAnswers.tokens(expected));
        assertThat(result.usage().estimated()).isFalse();
        assertThat(upstream.lastRequest().streaming()).isTrue();
    }

    @Test
    void a_stream_delivers_tool_call_deltas_that_merge_into_the_call() throws IOException {
        List<ChatChunk> chunks = new ArrayList<>();
        StreamResult result = provider.stream(deployment(), weatherRequest(new ToolChoice.Function("get_weather")),
                chunks::add);
        Map<Integer, StringBuilder> arguments = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        Map<Integer, String> ids = new TreeMap<>();
        for (ChatChunk chunk : chunks) {
            for (ChatChunk.ToolCallDelta delta : chunk.toolCalls()) {
                if (delta.name() != null) {
                    names.put(delta.index(), delta.name());
                }
                if (delta.id() != null) {
                    ids.put(delta.index(), delta.id());
                }
                if (delta.arguments() != null) {
                    arguments.computeIfAbsent(delta.index(), i -> new StringBuilder()).append(delta.arguments());
                }
            }
        }
        assertThat(names).containsExactly(Map.entry(0, "get_weather"));
        assertThat(ids).containsKey(0);
        assertThat(JSON.readTree(arguments.get(0).toString()).path("city").asText()).isEqualTo("weather in Paris?");
        assertThat(chunks.stream().filter(c -> !c.toolCalls().isEmpty()).count()).isGreaterThan(1);
        assertThat(result.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void a_stream_of_structured_output_concatenates_to_the_json() throws IOException {
        List<ChatChunk> chunks = new ArrayList<>();
        StreamResult result = provider.stream(deployment(), structured(notesSchema()), chunks::add);
        JsonNode answer = JSON.readTree(text(chunks));
        assertThat(answer.path("summary").asText()).isEqualTo("meeting notes");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);

        chunks.clear();
        provider.stream(deployment(), structured(JSON.readTree("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}")),
                chunks::add);
        assertThat(JSON.readTree(text(chunks)).isArray()).isTrue();
    }

    @Test
    void embeddings_come_back_in_input_order_or_are_rejected_when_unsupported() {
        EmbeddingRequest request = new EmbeddingRequest("embed-x", List.of("alpha", "beta gamma", "delta"), 8, "u-2");
        if (!supportsEmbeddings()) {
            BatonException e = failure(() -> provider.embed(deployment(), request));
            assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
            assertThat(e.retriable()).isFalse();
            return;
        }
        EmbeddingResponse response = provider.embed(deployment(), request);
        assertThat(response.vectors()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(response.vectors().get(i)).containsExactly(FakeAnswers.embedding(request.input().get(i), 8));
        }
        assertThat(response.usage().inputTokens()).isEqualTo(4);
        assertThat(response.usage().outputTokens()).isZero();
    }

    @Test
    void concurrent_calls_each_get_their_own_answer() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String question = "question " + i;
                answers.add(threads.submit(() -> i2s(question)));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo(FakeAnswers.echo("question " + i));
            }
        }
    }

    private String i2s(String question) {
        if (question.hashCode() % 2 == 0) {
            return provider.chat(deployment(), ask(question)).message().content();
        }
        List<ChatChunk> chunks = new ArrayList<>();
        provider.stream(deployment(), ask(question), chunks::add);
        return text(chunks);
    }

    /** The fake's prompt token count of a request: words of every message's text. */
    protected static long promptWords(ChatRequest request) {
        return request.messages().stream().mapToLong(m -> FakeAnswers.tokens(m.content())).sum();
    }

    protected static String text(List<ChatChunk> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.stream().filter(c -> c.content() != null).forEach(c -> text.append(c.content()));
        return text.toString();
    }

    protected static ToolDefinition weatherTool() {
        try {
            return new ToolDefinition("get_weather", "Current weather of a city", JSON.readTree(
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
                    false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static ChatRequest weatherRequest(ToolChoice choice) {
        return new ChatRequest("model-x", List.of(ChatMessage.user("weather in Paris?")), List.of(weatherTool()),
                choice, null, null, null, null, List.of(), null, null);
    }

    protected static JsonNode notesSchema() {
        try {
            return JSON.readTree("{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"},"
                    + "\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                    + "\"priority\":{\"enum\":[\"high\",\"low\"]}},\"required\":[\"summary\",\"actions\",\"priority\"],"
                    + "\"additionalProperties\":false}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static ChatRequest structured(JsonNode schema) {
        return new ChatRequest("model-x", List.of(ChatMessage.user("meeting notes")), List.of(), null,
                new ResponseFormat.JsonSchema("notes", schema, true), null, null, null, List.of(), null, null);
    }
}
