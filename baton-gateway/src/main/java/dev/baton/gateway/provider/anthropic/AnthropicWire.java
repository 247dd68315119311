package dev.baton.gateway.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
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
 * The Anthropic Messages wire format (https://docs.anthropic.com/en/api/messages): neutral request → JSON body,
 * JSON answer → neutral response.
 *
 * <p>Mapping decisions:
 * <ul>
 *   <li>system messages → the top-level {@code system} text (joined by blank lines, in order);</li>
 *   <li>assistant tool calls → {@code tool_use} blocks (arguments parsed as JSON; an argument text that is not a
 *       JSON object is {@code INVALID_INPUT}); tool messages → {@code tool_result} blocks of a user message;
 *       consecutive messages of the same role are merged into one, as the API wants alternating roles;</li>
 *   <li>{@code max_tokens} is required by Anthropic: {@value #DEFAULT_MAX_TOKENS} when the request sets none;</li>
 *   <li>{@code stop} → {@code stop_sequences}; {@code user} → {@code metadata.user_id}; {@code seed} is dropped
 *       (Anthropic has none); {@code temperature} is passed through (Anthropic accepts 0..1 and rejects more);</li>
 *   <li>tool choice auto/required/function/none → {@code auto}/{@code any}/{@code tool}/{@code none};</li>
 *   <li>structured output ({@code json_object}/{@code json_schema}) → a forced call of one extra tool whose
 *       {@code input_schema} is the schema, and its input returned as the message text. This works on every
 *       Claude model and guarantees a JSON object, unlike prompting for JSON; a schema whose root is not an
 *       object is wrapped as {@code {"value": <schema>}} (tool inputs must be objects) and unwrapped again.</li>
 * </ul>
 */
final class AnthropicWire {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The output limit sent when a request has none; Anthropic requires one. */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** The tool name used for {@code json_object} structured output. */
    static final String JSON_OBJECT_TOOL = "json_object";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AnthropicWire() {
    }

    /**
     * The tool that carries structured output, or {@code null} when the request wants text.
     *
     * @param name    the tool name
     * @param schema  its input schema (always an object schema)
     * @param wrapped whether the caller's schema was wrapped under {@code value}
     */
    record StructuredTool(String name, JsonNode schema, boolean wrapped) {
        static StructuredTool of(ResponseFormat format) {
            return switch (format) {
                case null -> null;
                case ResponseFormat.Text t -> null;
                case ResponseFormat.JsonObject j -> new StructuredTool(JSON_OBJECT_TOOL,
                        NODES.objectNode().put("type", "object"), false);
                case ResponseFormat.JsonSchema s -> {
                    boolean object = "object".equals(s.schema().path("type").asText());
                    if (object) {
                        yield new StructuredTool(s.name(), s.schema(), false);
                    }
                    ObjectNode wrapper = NODES.objectNode().put("type", "object");
                    wrapper.putObject("properties").set("value", s.schema());
                    wrapper.putArray("required").add("value");
                    yield new StructuredTool(s.name(), wrapper, true);
                }
            };
        }

        /** The message text for the tool's input. */
        String text(JsonNode input) {
            JsonNode value = wrapped ? input.path("value") : input;
            return value.isMissingNode() ? "null" : value.toString();
        }
    }

    static ObjectNode body(ChatRequest request, boolean stream) {
        ObjectNode body = NODES.objectNode();
        body.put("model", request.model());
        body.put("max_tokens", request.maxTokens() == null ? DEFAULT_MAX_TOKENS : request.maxTokens());
        List<String> system = new ArrayList<>();
        ArrayNode messages = body.putArray("messages");
        ObjectNode current = null;
        for (int i = 0; i < request.messages().size(); i++) {
            ChatMessage message = request.messages().get(i);
            if (message.role() == Role.SYSTEM) {
                system.add(message.content());
                continue;
            }
            String role = message.role() == Role.ASSISTANT ? "assistant" : "user";
            if (current == null || !role.equals(current.get("role").asText())) {
                current = messages.addObject().put("role", role);
                current.putArray("content");
            }
            blocks((ArrayNode) current.get("content"), message, i);
        }
        if (!system.isEmpty()) {
            body.put("system", String.join("\n\n", system));
        }
        StructuredTool structured = StructuredTool.of(request.responseFormat());
        if (!request.tools().isEmpty() || structured != null) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode node = tools.addObject().put("name", tool.name());
                if (tool.description() != null) {
                    node.put("description", tool.description());
                }
                node.set("input_schema", tool.parameters() != null ? tool.parameters()
                        : NODES.objectNode().put("type", "object").set("properties", NODES.objectNode()));
            }
            if (structured != null) {
                tools.addObject().put("name", structured.name())
                        .put("description", "Give the answer as this tool's input, which must match its schema.")
                        .set("input_schema", structured.schema());
            }
        }
        if (structured != null) {
            body.putObject("tool_choice").put("type", "tool").put("name", structured.name());
        } else if (request.toolChoice() != null && !request.tools().isEmpty()) {
            body.set("tool_choice", switch (request.toolChoice()) {
                case ToolChoice.Auto a -> NODES.objectNode().put("type", "auto");
                case ToolChoice.None n -> NODES.objectNode().put("type", "none");
                case ToolChoice.Required r -> NODES.objectNode().put("type", "any");
                case ToolChoice.Function f -> NODES.objectNode().put("type", "tool").put("name", f.name());
            });
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            request.stop().forEach(stop::add);
        }
        if (request.user() != null) {
            body.putObject("metadata").put("user_id", request.user());
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    private static void blocks(ArrayNode content, ChatMessage message, int index) {
        switch (message.role()) {
            case USER -> content.addObject().put("type", "text").put("text", message.content());
            case TOOL -> content.addObject().put("type", "tool_result").put("tool_use_id", message.toolCallId())
                    .put("content", message.content());
            case ASSISTANT -> {
                if (message.content() != null && !message.content().isEmpty()) {
                    content.addObject().put("type", "text").put("text", message.content());
                }
                for (int c = 0; c < message.toolCalls().size(); c++) {
                    ToolCall call = message.toolCalls().get(c);
                    content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                            .set("input", arguments(call, "messages[" + index + "].toolCalls[" + c + "].arguments"));
                }
            }
            case SYSTEM -> throw new IllegalStateException("system messages are lifted to the top level");
        }
    }

    private static JsonNode arguments(ToolCall call, String field) {
        try {
            JsonNode input = JSON.readTree(call.arguments().isBlank() ? "{}" : call.arguments());
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JsonProcessingException notJson) {
            // reported below
        }
        throw BatonException.invalidInput(field, "must be a JSON object to be sent to Anthropic as tool_use input");
    }

    /** Reads a {@code message} object. */
    static ChatResponse response(JsonNode root, ChatRequest request, String target) {
        JsonNode content = root.path("content");
        if (!content.isArray() || (root.has("type") && !"message".equals(root.path("type").asText()))) {
            throw UpstreamFailures.invalidResponse(target, "not a message object with a content array", null);
        }
        StructuredTool structured = StructuredTool.of(request.responseFormat());
        StringBuilder text = new StringBuilder();
        String structuredText = null;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText(""));
                case "tool_use" -> {
                    String id = block.path("id").asText(null);
                    String name = block.path("name").asText(null);
                    if (id == null || name == null) {
                        throw UpstreamFailures.invalidResponse(target, "a tool_use block lacks its id or name", null);
                    }
                    JsonNode input = block.has("input") ? block.get("input") : NODES.objectNode();
                    if (structured != null && structured.name().equals(name)) {
                        structuredText = structured.text(input);
                    } else {
                        calls.add(new ToolCall(id, name, input.toString()));
                    }
                }
                default -> {
                    // thinking and other blocks carry nothing for the neutral message
                }
            }
        }
        String message = structuredText != null ? structuredText : text.toString();
        FinishReason finish = finishReason(root.path("stop_reason").asText(null), structuredText != null);
        ChatMessage answer = new ChatMessage(Role.ASSISTANT, message.isEmpty() && !calls.isEmpty() ? null : message,
                null, calls, null);
        Usage usage = usage(root.get("usage"), null);
        if (usage == null) {
            usage = new Usage(TokenEstimate.tokens(TokenEstimate.promptChars(request)),
                    TokenEstimate.tokens(message.length()), true);
        }
        return new ChatResponse(id(root.path("id").asText(null)), answer, finish, usage, null);
    }

    static String id(String id) {
        return id == null || id.isEmpty() ? "msg_baton_" + UUID.randomUUID() : id;
    }

    /**
     * Anthropic stop reasons: end_turn/stop_sequence/pause_turn → STOP, max_tokens → LENGTH, tool_use → TOOL_CALLS
     * (STOP when the tool was the structured-output tool), refusal → CONTENT_FILTER.
     */
    static FinishReason finishReason(String reason, boolean structured) {
        if (reason == null) {
            return FinishReason.STOP;
        }
        return switch (reason) {
            case "max_tokens" -> FinishReason.LENGTH;
            case "tool_use" -> structured ? FinishReason.STOP : FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /**
     * {@code usage}: input = {@code input_tokens} plus cache creation and cache read tokens (Anthropic counts
     * those apart, but they are prompt tokens all the same); {@code null} when absent.
     */
    static Usage usage(JsonNode usage, Long outputOverride) {
        if (usage == null || !usage.isObject() || !usage.path("input_tokens").isIntegralNumber()) {
            return null;
        }
        long input = usage.get("input_tokens").asLong() + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
        long output = outputOverride != null ? outputOverride : usage.path("output_tokens").asLong(0);
        return new Usage(Math.max(0, input), Math.max(0, output), false);
    }

    /** The error for an {@code error} object (HTTP body or stream event), by Anthropic's error type. */
    static BatonException error(JsonNode error, String target, String apiKey) {
        String type = error.path("type").asText("api_error");
        String message = UpstreamFailures.redact(target + ": the stream reported " + type + ": "
                + error.path("message").asText(""), apiKey);
        return switch (type) {
            case "rate_limit_error" -> BatonException.rateLimited(message, null);
            case "overloaded_error", "api_error", "timeout_error" ->
                    new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, message);
            default -> new BatonException(ErrorCode.UPSTREAM_REJECTED, message);
        };
    }
}
