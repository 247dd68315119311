package dev.baton.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.provider.http.TokenEstimate;
import dev.baton.gateway.provider.http.UpstreamFailures;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The OpenAI Chat Completions and Embeddings wire format (https://platform.openai.com/docs/api-reference/chat,
 * .../embeddings): neutral request → JSON body, JSON answer → neutral response. Answers that lack a documented
 * member Baton needs are {@code UPSTREAM_INVALID_RESPONSE}; unknown members are ignored.
 */
final class OpenAiWire {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiWire() {
    }

    /**
     * The {@code /chat/completions} body. {@code tool_choice} is only sent with tools (OpenAI rejects it alone).
     *
     * @param maxCompletionTokens send the limit as {@code max_completion_tokens} (OpenAI itself, where
     *                            {@code max_tokens} is deprecated and rejected by reasoning models) instead of
     *                            {@code max_tokens} (understood by every OpenAI-compatible server)
     */
    static ObjectNode chatBody(ChatRequest request, boolean stream, boolean maxCompletionTokens) {
        ObjectNode body = NODES.objectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            messages.add(message(message));
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode function = NODES.objectNode().put("name", tool.name());
                if (tool.description() != null) {
                    function.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    function.set("parameters", tool.parameters());
                }
                if (tool.strict()) {
                    function.put("strict", true);
                }
                tools.addObject().put("type", "function").set("function", function);
            }
        }
        if (request.toolChoice() != null && !request.tools().isEmpty()) {
            body.set("tool_choice", switch (request.toolChoice()) {
                case ToolChoice.Auto a -> NODES.textNode("auto");
                case ToolChoice.None n -> NODES.textNode("none");
                case ToolChoice.Required r -> NODES.textNode("required");
                case ToolChoice.Function f -> NODES.objectNode().put("type", "function")
                        .set("function", NODES.objectNode().put("name", f.name()));
            });
        }
        if (request.responseFormat() != null) {
            body.set("response_format", switch (request.responseFormat()) {
                case ResponseFormat.Text t -> NODES.objectNode().put("type", "text");
                case ResponseFormat.JsonObject j -> NODES.objectNode().put("type", "json_object");
                case ResponseFormat.JsonSchema s -> NODES.objectNode().put("type", "json_schema")
                        .set("json_schema", NODES.objectNode().put("name", s.name()).put("strict", s.strict())
                                .set("schema", s.schema()));
            });
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.maxTokens() != null) {
            body.put(maxCompletionTokens ? "max_completion_tokens" : "max_tokens", request.maxTokens());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (request.seed() != null) {
            body.put("seed", request.seed());
        }
        if (request.user() != null) {
            body.put("user", request.user());
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    private static ObjectNode message(ChatMessage message) {
        ObjectNode node = NODES.objectNode();
        node.put("role", switch (message.role()) {
            case SYSTEM -> "system";
            case USER -> "user";
            case ASSISTANT -> "assistant";
            case TOOL -> "tool";
        });
        if (message.content() == null) {
            node.putNull("content");
        } else {
            node.put("content", message.content());
        }
        if (message.name() != null) {
            node.put("name", message.name());
        }
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function")
                        .set("function", NODES.objectNode().put("name", call.name()).put("arguments", call.arguments()));
            }
        }
        if (message.role() == Role.TOOL) {
            node.put("tool_call_id", message.toolCallId());
        }
        return node;
    }

    /** Reads a {@code chat.completion} object. */
    static ChatResponse chatResponse(JsonNode root, ChatRequest request, String target) {
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty() || !choices.get(0).path("message").isObject()) {
            throw UpstreamFailures.invalidResponse(target, "no choices[0].message in the completion", null);
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.get("message");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            String id = text(call.get("id"));
            String name = text(function.get("name"));
            if (id == null || name == null) {
                throw UpstreamFailures.invalidResponse(target, "a tool call lacks its id or function name", null);
            }
            String arguments = text(function.get("arguments"));
            calls.add(new ToolCall(id, name, arguments == null ? "{}" : arguments));
        }
        String content = text(message.get("content"));
        String refusal = text(message.get("refusal"));
        FinishReason finish = finishReason(text(choice.get("finish_reason")), !calls.isEmpty());
        if (content == null && refusal != null) {
            content = refusal;
            finish = FinishReason.CONTENT_FILTER;
        }
        if (content == null && calls.isEmpty()) {
            content = "";
        }
        ChatMessage answer = new ChatMessage(Role.ASSISTANT, content, null, calls, null);
        Usage usage = usage(root.get("usage"));
        if (usage == null) {
            long outChars = content == null ? 0 : content.length();
            for (ToolCall call : calls) {
                outChars += call.name().length() + call.arguments().length();
            }
            usage = new Usage(TokenEstimate.tokens(TokenEstimate.promptChars(request)), TokenEstimate.tokens(outChars),
                    true);
        }
        return new ChatResponse(id(root), answer, finish, usage, null);
    }

    static String id(JsonNode root) {
        String id = text(root.get("id"));
        return id == null || id.isEmpty() ? "chatcmpl-baton-" + UUID.randomUUID() : id;
    }

    /** OpenAI's finish reasons; an unknown or missing one is TOOL_CALLS when tools were called, else STOP. */
    static FinishReason finishReason(String reason, boolean toolCalls) {
        if (reason == null) {
            return toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        return switch (reason) {
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        };
    }

    /** {@code usage} with {@code prompt_tokens}/{@code completion_tokens}, or {@code null} when absent. */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.path("prompt_tokens").isIntegralNumber()) {
            return null;
        }
        long out = usage.path("completion_tokens").asLong(0);
        return new Usage(Math.max(0, usage.get("prompt_tokens").asLong()), Math.max(0, out), false);
    }

    /** The {@code /embeddings} body; vectors are requested as floats. */
    static ObjectNode embeddingBody(EmbeddingRequest request) {
        ObjectNode body = NODES.objectNode();
        body.put("model", request.model());
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
        body.put("encoding_format", "float");
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        if (request.user() != null) {
            body.put("user", request.user());
        }
        return body;
    }

    /** Reads an embeddings list, ordered by each item's {@code index}. */
    static EmbeddingResponse embeddingResponse(JsonNode root, EmbeddingRequest request, String target) {
        JsonNode data = root.path("data");
        int n = request.input().size();
        if (!data.isArray() || data.size() != n) {
            throw UpstreamFailures.invalidResponse(target, "expected " + n + " embeddings in data, got "
                    + (data.isArray() ? data.size() : "none"), null);
        }
        float[][] vectors = new float[n][];
        for (int position = 0; position < n; position++) {
            JsonNode item = data.get(position);
            int index = item.path("index").isIntegralNumber() ? item.get("index").asInt() : position;
            JsonNode embedding = item.path("embedding");
            if (index < 0 || index >= n || vectors[index] != null || !embedding.isArray() || embedding.isEmpty()) {
                throw UpstreamFailures.invalidResponse(target, "embedding item " + position
                        + " has a missing or duplicate index or no float vector", null);
            }
            float[] vector = new float[embedding.size()];
            for (int i = 0; i < vector.length; i++) {
                JsonNode value = embedding.get(i);
                if (!value.isNumber()) {
                    throw UpstreamFailures.invalidResponse(target, "embedding " + index + " holds a non-number", null);
                }
                vector[i] = value.floatValue();
            }
            vectors[index] = vector;
        }
        for (float[] vector : vectors) {
            if (vector.length != vectors[0].length) {
                throw UpstreamFailures.invalidResponse(target, "embeddings differ in length", null);
            }
        }
        JsonNode tokens = root.path("usage").path("prompt_tokens");
        Usage usage = tokens.isIntegralNumber() ? new Usage(Math.max(0, tokens.asLong()), 0, false)
                : new Usage(TokenEstimate.tokens(TokenEstimate.inputChars(request.input())), 0, true);
        return new EmbeddingResponse(List.of(vectors), usage, null);
    }

    static String text(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.textValue();
    }
}
