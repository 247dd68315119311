package dev.baton.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Anthropic Messages API for tests and benchmarks, on 127.0.0.1 with a free port: {@code POST /v1/messages}
 * (whole or {@code stream: true}) and {@code GET /v1/models}.
 *
 * <p>Checks what the real API insists on (400 otherwise): the {@code anthropic-version} header, {@code model},
 * {@code max_tokens}, a non-empty {@code messages} array with roles {@code user}/{@code assistant} only, starting
 * with {@code user} and alternating, and {@code tool_result} blocks that answer a {@code tool_use} of the previous
 * assistant message.
 *
 * <p>Answers are deterministic ({@link FakeAnswers}): text {@code "You said: <last user text>"}, after tool results
 * {@code "Tool said: <result>"}; with {@code tool_choice} {@code any} or {@code tool} a {@code tool_use} of that
 * (or the first) tool with an input generated from its {@code input_schema}. {@code max_tokens} cuts the text
 * (stop reason {@code max_tokens}). Usage counts whitespace-separated words: input = words of {@code system}, text
 * blocks and tool results; output = words of the answer (for tool use, of {@code name + " " + input}). Streams
 * follow the documented event order: {@code message_start}, {@code content_block_start}, {@code ping}, one
 * {@code text_delta} per word (or two {@code input_json_delta}s), {@code content_block_stop},
 * {@code message_delta}, {@code message_stop}.
 *
 * <p>Faults, scripted replies, key checks ({@code x-api-key}) and recording: see {@link FakeUpstream}.
 */
public final class FakeAnthropicServer extends FakeUpstream {
    private final AtomicLong ids = new AtomicLong();

    /** Starts listening. */
    public FakeAnthropicServer() {
        super();
    }

    @Override
    Answer answer(RecordedRequest request) {
        return switch (request.method() + " " + route(request)) {
            case "POST /messages" -> messages(request);
            case "GET /models" -> new Answer.Whole(200, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-fake\","
                    + "\"display_name\":\"Claude Fake\",\"created_at\":\"2025-01-01T00:00:00Z\"}],"
                    + "\"has_more\":false,\"first_id\":\"claude-fake\",\"last_id\":\"claude-fake\"}");
            default -> new Answer.Whole(404, errorBody(404, "no route " + request.method() + " " + request.path()));
        };
    }

    private Answer messages(RecordedRequest request) {
        JsonNode body = request.json();
        String invalid = invalid(request, body);
        if (invalid != null) {
            return new Answer.Whole(400, errorBody(400, invalid));
        }
        int inputTokens = FakeAnswers.tokens(system(body.get("system")));
        String lastUser = "";
        String lastToolResult = null;
        for (JsonNode message : body.get("messages")) {
            boolean user = "user".equals(message.path("role").asText());
            StringBuilder text = new StringBuilder();
            String toolResult = null;
            for (JsonNode block : blocks(message.get("content"))) {
                switch (block.path("type").asText()) {
                    case "text" -> text.append(block.path("text").asText());
                    case "tool_result" -> toolResult = blockText(block.get("content"));
                    default -> {
                        // tool_use input is not counted
                    }
                }
            }
            inputTokens += FakeAnswers.tokens(text.toString()) + FakeAnswers.tokens(toolResult);
            if (user) {
                lastToolResult = toolResult;
                if (!text.isEmpty()) {
                    lastUser = text.toString();
                }
            }
        }
        Reply reply = nextReply();
        if (reply == null) {
            reply = decide(body, lastUser, lastToolResult);
        }
        String content = reply.content();
        String stop = reply.toolCalls().isEmpty() ? "end_turn" : "tool_use";
        int limit = body.get("max_tokens").asInt();
        if (content != null && FakeAnswers.pieces(content).size() > limit) {
            content = String.join("", FakeAnswers.pieces(content).subList(0, limit));
            stop = "max_tokens";
        }
        int outputTokens = FakeAnswers.tokens(content);
        for (ToolCall call : reply.toolCalls()) {
            outputTokens += FakeAnswers.tokens(call.name() + " " + call.arguments());
        }
        String id = "msg_fake_" + ids.incrementAndGet();
        String model = body.get("model").asText();
        if (request.streaming()) {
            return stream(id, model, content, reply.toolCalls(), stop, inputTokens, outputTokens);
        }
        ObjectNode message = JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        ArrayNode blocks = message.putArray("content");
        if (content != null) {
            blocks.addObject().put("type", "text").put("text", content);
        }
        for (ToolCall call : reply.toolCalls()) {
            blocks.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                    .set("input", parse(call.arguments()));
        }
        message.put("stop_reason", stop).putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens);
        return new Answer.Whole(200, message.toString());
    }

    private static String invalid(RecordedRequest request, JsonNode body) {
        if (request.header("anthropic-version") == null) {
            return "anthropic-version: header is required";
        }
        if (body == null || !body.path("model").isTextual()) {
            return "model: Field required";
        }
        if (!body.path("max_tokens").isIntegralNumber() || body.get("max_tokens").asInt() < 1) {
            return "max_tokens: Field required";
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "messages: at least one message is required";
        }
        String previous = "assistant";
        JsonNode previousMessage = null;
        for (int i = 0; i < messages.size(); i++) {
            String role = messages.get(i).path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                return "messages." + i + ".role: Input should be 'user' or 'assistant'";
            }
            if (role.equals(previous)) {
                return "messages: roles must alternate between \"user\" and \"assistant\"";
            }
            for (JsonNode block : blocks(messages.get(i).get("content"))) {
                if ("tool_result".equals(block.path("type").asText())
                        && !toolUseIds(previousMessage).contains(block.path("tool_use_id").asText())) {
                    return "messages." + i + ": tool_result block(s) provided when previous message does not have "
                            + "the matching tool_use block";
                }
            }
            previous = role;
            previousMessage = messages.get(i);
        }
        return null;
    }

    private static List<String> toolUseIds(JsonNode message) {
        List<String> ids = new ArrayList<>();
        if (message != null) {
            for (JsonNode block : blocks(message.get("content"))) {
                if ("tool_use".equals(block.path("type").asText())) {
                    ids.add(block.path("id").asText());
                }
            }
        }
        return ids;
    }

    private static Reply decide(JsonNode body, String lastUser, String lastToolResult) {
        JsonNode tools = body.path("tools");
        String choice = body.path("tool_choice").path("type").asText("auto");
        if (tools.isArray() && !tools.isEmpty() && (choice.equals("any") || choice.equals("tool"))) {
            String wanted = body.path("tool_choice").path("name").asText(null);
            JsonNode tool = tools.get(0);
            for (JsonNode candidate : tools) {
                if (candidate.path("name").asText().equals(wanted)) {
                    tool = candidate;
                }
            }
            String input = FakeAnswers.sample(tool.get("input_schema"), lastUser).toString();
            return new Reply(null, List.of(new ToolCall("toolu_fake_0", tool.path("name").asText(), input)));
        }
        if (lastToolResult != null) {
            return new Reply("Tool said: " + lastToolResult, List.of());
        }
        return new Reply(FakeAnswers.echo(lastUser), List.of());
    }

    private static Answer stream(String id, String model, String content, List<ToolCall> calls, String stop,
                                 int inputTokens, int outputTokens) {
        List<String> frames = new ArrayList<>();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 1);
        frames.add(frame("message_start", start));
        int index = 0;
        int firstContent = 3;
        if (content != null) {
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            frames.add(frame("content_block_start", blockStart));
            frames.add(frame("ping", JSON.createObjectNode().put("type", "ping")));
            for (String piece : FakeAnswers.pieces(content)) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "text_delta").put("text", piece);
                frames.add(frame("content_block_delta", delta));
            }
            frames.add(frame("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop")
                    .put("index", index)));
            index++;
        }
        for (ToolCall call : calls) {
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            blockStart.putObject("content_block").put("type", "tool_use").put("id", call.id())
                    .put("name", call.name()).putObject("input");
            frames.add(frame("content_block_start", blockStart));
            if (frames.size() == 2) {
                frames.add(frame("ping", JSON.createObjectNode().put("type", "ping")));
            }
            int cut = call.arguments().length() / 2;
            for (String piece : List.of(call.arguments().substring(0, cut), call.arguments().substring(cut))) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                frames.add(frame("content_block_delta", delta));
            }
            frames.add(frame("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop")
                    .put("index", index)));
            index++;
        }
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", outputTokens);
        frames.add(frame("message_delta", end));
        frames.add(frame("message_stop", JSON.createObjectNode().put("type", "message_stop")));
        return new Answer.Events(frames, Math.min(firstContent, frames.size() - 1), 1);
    }

    private static String frame(String event, JsonNode data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }

    private static String system(JsonNode system) {
        return system == null ? "" : blockText(system);
    }

    /** Text of a string or of the text blocks of an array. */
    private static String blockText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(block -> text.append(block.path("text").asText("")));
            return text.toString();
        }
        return content.asText();
    }

    private static List<JsonNode> blocks(JsonNode content) {
        List<JsonNode> blocks = new ArrayList<>();
        if (content == null) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.add(JSON.createObjectNode().put("type", "text").put("text", content.textValue()));
        } else {
            content.forEach(blocks::add);
        }
        return blocks;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    String errorBody(int status, String message) {
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        ObjectNode error = JSON.createObjectNode().put("type", "error");
        error.putObject("error").put("type", type).put("message", message);
        return error.toString();
    }

    @Override
    String streamErrorFrame(String message, boolean requestError) {
        ObjectNode error = JSON.createObjectNode().put("type", "error");
        error.putObject("error").put("type", requestError ? "invalid_request_error" : "overloaded_error")
                .put("message", message);
        return frame("error", error);
    }

    @Override
    boolean authorized(RecordedRequest request, String key) {
        return key.equals(request.header("x-api-key"));
    }
}
