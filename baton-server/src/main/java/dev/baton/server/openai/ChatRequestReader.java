package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.ToolChoice;
import dev.baton.gateway.api.ToolDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI {@code POST /v1/chat/completions} body into a provider-neutral {@link ChatRequest}.
 *
 * <p>Every parameter of the OpenAI Chat Completions API is recognised. Those Baton maps: {@code model},
 * {@code messages} (roles system, developer (read as system), user, assistant, tool; content as a string or an
 * array of text parts), {@code max_tokens}/{@code max_completion_tokens}, {@code temperature}, {@code top_p},
 * {@code stop}, {@code seed}, {@code user} (or {@code safety_identifier}), {@code tools}, {@code tool_choice},
 * {@code response_format}, {@code stream}, {@code stream_options}. Accepted and not forwarded (they do not change
 * the answer's content): {@code metadata}, {@code store}, {@code prompt_cache_key},
 * {@code service_tier}; accepted at their default only: {@code n: 1}, {@code parallel_tool_calls: true},
 * {@code logprobs: false},
 * {@code frequency_penalty: 0}, {@code presence_penalty: 0}, {@code logit_bias: {}},
 * {@code modalities: ["text"]}. Rejected with 400 naming the parameter: {@code audio}, {@code prediction},
 * {@code top_logprobs}, {@code web_search_options}, {@code reasoning_effort}, {@code verbosity}, the deprecated
 * {@code functions}/{@code function_call}, image/audio/file content parts, and any unknown member.
 *
 * <p>Stateless; thread-safe.
 */
final class ChatRequestReader {
    /** What the body asked for besides the request itself. */
    record Parsed(ChatRequest request, boolean stream, boolean includeUsage) {
    }

    private static final Set<String> BODY = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "stop", "seed", "user", "safety_identifier", "tools", "tool_choice",
            "response_format", "stream", "stream_options", "metadata", "store", "parallel_tool_calls",
            "prompt_cache_key", "service_tier", "n", "logprobs", "top_logprobs", "frequency_penalty",
            "presence_penalty", "logit_bias", "modalities", "audio", "prediction", "web_search_options",
            "reasoning_effort", "verbosity", "functions", "function_call");
    private static final Set<String> UNSUPPORTED = Set.of("audio", "prediction", "top_logprobs",
            "web_search_options", "reasoning_effort", "verbosity", "functions", "function_call");
    private static final Set<String> MESSAGE = Set.of("role", "content", "name", "tool_calls", "tool_call_id",
            "refusal", "audio", "function_call");
    private static final Set<String> TEXT_PART = Set.of("type", "text");
    private static final Set<String> TOOL_CALL = Set.of("id", "type", "function");
    private static final Set<String> FUNCTION_CALL = Set.of("name", "arguments");
    private static final Set<String> TOOL = Set.of("type", "function");
    private static final Set<String> FUNCTION = Set.of("name", "description", "parameters", "strict");
    private static final Set<String> TOOL_CHOICE = Set.of("type", "function");
    private static final Set<String> NAMED_FUNCTION = Set.of("name");
    private static final Set<String> RESPONSE_FORMAT = Set.of("type", "json_schema");
    private static final Set<String> JSON_SCHEMA = Set.of("name", "description", "schema", "strict");
    private static final Set<String> STREAM_OPTIONS = Set.of("include_usage", "include_obfuscation");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChatRequestReader() {
    }

    static Parsed read(JsonNode body) {
        Param root = Param.root(body).object(BODY);
        if (root.absent()) {
            throw Param.invalid("body", "a JSON object is required");
        }
        for (String name : UNSUPPORTED) {
            if (!root.get(name).absent()) {
                throw Param.invalid(name, "is not supported by Baton");
            }
        }
        root.get("n").onlyDefault("only n: 1 is supported (one choice per request)", IntNode.valueOf(1));
        root.get("logprobs").onlyDefault("log probabilities are not supported", BooleanNode.FALSE);
        root.get("frequency_penalty").onlyDefault("is not supported (only 0)", IntNode.valueOf(0));
        root.get("presence_penalty").onlyDefault("is not supported (only 0)", IntNode.valueOf(0));
        root.get("logit_bias").onlyDefault("is not supported (only {})", NODES.objectNode());
        root.get("modalities").onlyDefault("only [\"text\"] output is supported",
                NODES.arrayNode().add("text"));
        Param metadata = root.get("metadata");
        if (!metadata.absent() && !metadata.node().isObject()) {
            throw Param.invalid("metadata", "must be an object of string values");
        }
        root.get("store").bool();
        root.get("parallel_tool_calls").onlyDefault("only true is supported (the providers' default: the model "
                + "may call several tools at once)", BooleanNode.TRUE);
        root.get("prompt_cache_key").text();
        root.get("service_tier").text();

        String model = root.get("model").requiredText();
        List<Param> messageParams = root.get("messages").elements();
        if (messageParams.isEmpty()) {
            throw Param.invalid("messages", "at least one message is required");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (Param m : messageParams) {
            messages.add(message(m));
        }
        Long maxTokens = root.get("max_completion_tokens").integer(1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = root.get("max_tokens").integer(1, Integer.MAX_VALUE);
        } else {
            root.get("max_tokens").integer(1, Integer.MAX_VALUE);
        }
        Double temperature = root.get("temperature").number(0, 2);
        Double topP = root.get("top_p").number(0, 1);
        if (topP != null && topP == 0) {
            throw Param.invalid("top_p", "must be greater than 0 and at most 1, got 0");
        }
        List<String> stop = stop(root.get("stop"));
        Long seed = root.get("seed").integer(Long.MIN_VALUE, Long.MAX_VALUE);
        String user = root.get("user").text();
        String safetyIdentifier = root.get("safety_identifier").text();
        List<ToolDefinition> tools = new ArrayList<>();
        for (Param t : root.get("tools").elements()) {
            tools.add(tool(t));
        }
        ToolChoice toolChoice = toolChoice(root.get("tool_choice"));
        ResponseFormat format = responseFormat(root.get("response_format"));
        boolean stream = Boolean.TRUE.equals(root.get("stream").bool());
        Param options = root.get("stream_options").object(STREAM_OPTIONS);
        boolean includeUsage = Boolean.TRUE.equals(options.get("include_usage").bool());
        options.get("include_obfuscation").bool();
        if (!options.absent() && !stream) {
            throw Param.invalid("stream_options", "is only allowed when stream is true");
        }
        try {
            return new Parsed(new ChatRequest(model, messages, tools, toolChoice, format, temperature, topP,
                    maxTokens == null ? null : maxTokens.intValue(), stop, seed,
                    user != null ? user : safetyIdentifier), stream, includeUsage);
        } catch (IllegalArgumentException e) {
            throw Param.invalid("body", e.getMessage());
        }
    }

    private static ChatMessage message(Param m) {
        m.object(MESSAGE);
        if (m.absent()) {
            throw Param.invalid(m.path(), "must be a message object");
        }
        String roleText = m.get("role").requiredText();
        Role role = switch (roleText) {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            case "function" -> throw Param.invalid(m.get("role").path(),
                    "the deprecated 'function' role is not supported; use 'tool'");
            default -> throw Param.invalid(m.get("role").path(),
                    "must be one of system, developer, user, assistant, tool; got '" + roleText + "'");
        };
        if (!m.get("audio").absent()) {
            throw Param.invalid(m.get("audio").path(), "is not supported by Baton");
        }
        if (!m.get("function_call").absent()) {
            throw Param.invalid(m.get("function_call").path(), "the deprecated function_call is not supported; "
                    + "use tool_calls");
        }
        m.get("refusal").text();
        String content = content(m.get("content"));
        String name = m.get("name").text();
        List<ToolCall> toolCalls = new ArrayList<>();
        for (Param call : m.get("tool_calls").elements()) {
            if (role != Role.ASSISTANT) {
                throw Param.invalid(m.get("tool_calls").path(), "only assistant messages carry tool_calls");
            }
            toolCalls.add(toolCall(call));
        }
        String toolCallId = m.get("tool_call_id").text();
        if (role == Role.TOOL && toolCallId == null) {
            throw Param.invalid(m.get("tool_call_id").path(), "is required for tool messages");
        }
        if (role != Role.TOOL && toolCallId != null) {
            throw Param.invalid(m.get("tool_call_id").path(), "is only allowed in tool messages");
        }
        if (content == null && (role != Role.ASSISTANT || toolCalls.isEmpty())) {
            throw Param.invalid(m.get("content").path(), "is required for a " + roleText
                    + " message" + (role == Role.ASSISTANT ? " without tool_calls" : ""));
        }
        return new ChatMessage(role, content, name, toolCalls, toolCallId);
    }

    /** A string, or an array of {@code {type: "text", text}} parts joined without separator. */
    private static String content(Param content) {
        if (content.absent()) {
            return null;
        }
        if (content.node().isTextual()) {
            return content.node().asText();
        }
        if (!content.node().isArray()) {
            throw Param.invalid(content.path(), "must be a string or an array of content parts");
        }
        StringBuilder text = new StringBuilder();
        for (Param part : content.elements()) {
            String type = part.get("type").requiredText();
            if (!type.equals("text")) {
                throw Param.invalid(part.get("type").path(), "content parts of type '" + type
                        + "' are not supported; only 'text'");
            }
            part.object(TEXT_PART);
            text.append(part.get("text").requiredText());
        }
        return text.toString();
    }

    private static ToolCall toolCall(Param call) {
        call.object(TOOL_CALL);
        String type = call.get("type").text();
        if (type != null && !type.equals("function")) {
            throw Param.invalid(call.get("type").path(), "only 'function' tool calls are supported");
        }
        Param function = call.get("function").object(FUNCTION_CALL);
        if (function.absent()) {
            throw Param.invalid(function.path(), "is required");
        }
        return new ToolCall(call.get("id").requiredText(), function.get("name").requiredText(),
                function.get("arguments").requiredText());
    }

    private static ToolDefinition tool(Param tool) {
        tool.object(TOOL);
        String type = tool.get("type").requiredText();
        if (!type.equals("function")) {
            throw Param.invalid(tool.get("type").path(), "only 'function' tools are supported, not '" + type + "'");
        }
        Param function = tool.get("function").object(FUNCTION);
        if (function.absent()) {
            throw Param.invalid(function.path(), "is required");
        }
        String name = function.get("name").requiredText();
        if (name.isBlank()) {
            throw Param.invalid(function.get("name").path(), "must not be blank");
        }
        Param parameters = function.get("parameters");
        if (!parameters.absent() && !parameters.node().isObject()) {
            throw Param.invalid(parameters.path(), "must be a JSON Schema object");
        }
        Boolean strict = function.get("strict").bool();
        return new ToolDefinition(name, function.get("description").text(),
                parameters.absent() ? null : parameters.node(), Boolean.TRUE.equals(strict));
    }

    private static ToolChoice toolChoice(Param choice) {
        if (choice.absent()) {
            return null;
        }
        if (choice.node().isTextual()) {
            return switch (choice.node().asText()) {
                case "auto" -> new ToolChoice.Auto();
                case "none" -> new ToolChoice.None();
                case "required" -> new ToolChoice.Required();
                default -> throw Param.invalid(choice.path(), "must be auto, none, required or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}");
            };
        }
        choice.object(TOOL_CHOICE);
        String type = choice.get("type").requiredText();
        if (!type.equals("function")) {
            throw Param.invalid(choice.get("type").path(), "only 'function' is supported, not '" + type + "'");
        }
        Param function = choice.get("function").object(NAMED_FUNCTION);
        return new ToolChoice.Function(function.get("name").requiredText());
    }

    private static ResponseFormat responseFormat(Param format) {
        if (format.absent()) {
            return null;
        }
        format.object(RESPONSE_FORMAT);
        String type = format.get("type").requiredText();
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                Param schema = format.get("json_schema").object(JSON_SCHEMA);
                if (schema.absent()) {
                    throw Param.invalid(schema.path(), "is required when type is json_schema");
                }
                String name = schema.get("name").requiredText();
                schema.get("description").text();
                Param body = schema.get("schema");
                if (!body.absent() && !body.node().isObject()) {
                    throw Param.invalid(body.path(), "must be a JSON Schema object");
                }
                yield new ResponseFormat.JsonSchema(name, body.absent() ? NODES.objectNode() : body.node(),
                        Boolean.TRUE.equals(schema.get("strict").bool()));
            }
            default -> throw Param.invalid(format.get("type").path(),
                    "must be text, json_object or json_schema; got '" + type + "'");
        };
    }

    private static List<String> stop(Param stop) {
        if (stop.absent()) {
            return List.of();
        }
        if (stop.node().isTextual()) {
            return List.of(stop.node().asText());
        }
        List<String> sequences = new ArrayList<>();
        for (Param s : stop.elements()) {
            sequences.add(s.requiredText());
        }
        if (sequences.size() > 4) {
            throw Param.invalid(stop.path(), "at most 4 stop sequences are allowed, got " + sequences.size());
        }
        return sequences;
    }
}
