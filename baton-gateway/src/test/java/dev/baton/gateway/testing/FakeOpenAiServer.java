package dev.baton.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake OpenAI-compatible server for tests and benchmarks, on 127.0.0.1 with a free port:
 * {@code POST /v1/chat/completions} (whole or {@code stream: true}), {@code POST /v1/embeddings},
 * {@code GET /v1/models} (the {@code /v1} prefix is optional).
 *
 * <p>Answers are deterministic ({@link FakeAnswers}): the text is {@code "You said: <last user text>"}, after a
 * tool result {@code "Tool said: <result>"}; when {@code tool_choice} is {@code "required"} or names a function the
 * answer calls that (or the first) tool with arguments generated from its parameter schema; a
 * {@code json_schema} response format gets a JSON value valid for its (simple) schema, {@code json_object} gets
 * {@code {"answer": <last user text>}}. {@code max_tokens}/{@code max_completion_tokens} cut the text (finish
 * reason {@code length}). Usage counts whitespace-separated words: prompt = words of every message's text,
 * completion = words of the answer (for tool calls, of {@code name + " " + arguments}). Streams send one word per
 * chunk, tool call arguments in two pieces, a finish chunk, the usage chunk when {@code stream_options.include_usage}
 * is set (unless {@link #omitStreamUsage(boolean)}), then {@code [DONE]}. Embeddings are {@link
 * FakeAnswers#embedding} vectors of {@code dimensions} (default {@link #embeddingDimensions(int)}), usage = words of
 * the inputs.
 *
 * <p>Faults, scripted replies, key checks ({@code Authorization: Bearer}) and recording: see {@link FakeUpstream}.
 * <pre>{@code
 * try (var upstream = new FakeOpenAiServer()) {
 *     upstream.enqueue(Fault.rateLimited("2"));           // the next request gets a 429
 *     var deployment = Deployment.of("fake", "openai", upstream.baseUrl(), "gpt-fake");
 *     ...
 *     assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gpt-fake");
 * }
 * }</pre>
 */
public final class FakeOpenAiServer extends FakeUpstream {
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean omitStreamUsage;

    /** Starts listening. */
    public FakeOpenAiServer() {
        super();
    }

    /** Leaves the usage chunk out of streams even when requested (an upstream that ignores include_usage). */
    public void omitStreamUsage(boolean omit) {
        this.omitStreamUsage = omit;
    }

    @Override
    Answer answer(RecordedRequest request) {
        String route = route(request);
        return switch (request.method() + " " + route) {
            case "POST /chat/completions" -> chat(request);
            case "POST /embeddings" -> embeddings(request);
            case "GET /models" -> new Answer.Whole(200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\","
                    + "\"object\":\"model\",\"created\":0,\"owned_by\":\"baton\"}]}");
            default -> new Answer.Whole(404, errorBody(404, "no route " + request.method() + " " + request.path()));
        };
    }

    private Answer chat(RecordedRequest request) {
        JsonNode body = request.json();
        if (body == null || !body.path("messages").isArray() || body.get("messages").isEmpty()) {
            return new Answer.Whole(400, errorBody(400, "'messages' must be a non-empty array"));
        }
        String model = body.path("model").asText("fake-model");
        int promptTokens = 0;
        String lastUser = "";
        JsonNode last = null;
        for (JsonNode message : body.get("messages")) {
            String text = text(message.get("content"));
            promptTokens += FakeAnswers.tokens(text);
            if ("user".equals(message.path("role").asText())) {
                lastUser = text;
            }
            last = message;
        }
        Reply reply = nextReply();
        if (reply == null) {
            reply = decide(body, lastUser, last);
        }
        String content = reply.content();
        String finish = reply.toolCalls().isEmpty() ? "stop" : "tool_calls";
        JsonNode limit = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        if (content != null && limit != null && limit.isInt() && FakeAnswers.pieces(content).size() > limit.asInt()) {
            content = String.join("", FakeAnswers.pieces(content).subList(0, Math.max(0, limit.asInt())));
            finish = "length";
        }
        int completionTokens = FakeAnswers.tokens(content);
        for (ToolCall call : reply.toolCalls()) {
            completionTokens += FakeAnswers.tokens(call.name() + " " + call.arguments());
        }
        String id = "chatcmpl-fake-" + ids.incrementAndGet();
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
        if (request.streaming()) {
            boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false) && !omitStreamUsage;
            return stream(id, model, content, reply.toolCalls(), finish, includeUsage ? usage : null);
        }
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        if (content == null) {
            message.putNull("content");
        } else {
            message.put("content", content);
        }
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall call : reply.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                        .put("name", call.name()).put("arguments", call.arguments());
            }
        }
        ObjectNode completion = JSON.createObjectNode().put("id", id).put("object", "chat.completion")
                .put("created", 0).put("model", model);
        completion.putArray("choices").addObject().put("index", 0).put("finish_reason", finish).set("message", message);
        completion.set("usage", usage);
        return new Answer.Whole(200, completion.toString());
    }

    private static Reply decide(JsonNode body, String lastUser, JsonNode last) {
        JsonNode tools = body.path("tools");
        JsonNode choice = body.get("tool_choice");
        boolean forced = choice != null && (choice.isObject() || "required".equals(choice.asText()));
        if (tools.isArray() && !tools.isEmpty() && forced) {
            String wanted = choice.path("function").path("name").asText(null);
            JsonNode tool = tools.get(0);
            for (JsonNode candidate : tools) {
                if (candidate.path("function").path("name").asText().equals(wanted)) {
                    tool = candidate;
                }
            }
            JsonNode function = tool.path("function");
            String arguments = FakeAnswers.sample(function.get("parameters"), lastUser).toString();
            return new Reply(null, List.of(new ToolCall("call_0", function.path("name").asText(), arguments)));
        }
        JsonNode format = body.path("response_format");
        switch (format.path("type").asText("text")) {
            case "json_schema" -> {
                return new Reply(FakeAnswers.sample(format.path("json_schema").get("schema"), lastUser).toString(),
                        List.of());
            }
            case "json_object" -> {
                return new Reply(JSON.createObjectNode().put("answer", lastUser).toString(), List.of());
            }
            default -> {
                // text
            }
        }
        if (last != null && "tool".equals(last.path("role").asText())) {
            return new Reply("Tool said: " + text(last.get("content")), List.of());
        }
        return new Reply(FakeAnswers.echo(lastUser), List.of());
    }

    private static Answer stream(String id, String model, String content, List<ToolCall> calls, String finish,
                                 ObjectNode usage) {
        List<String> frames = new ArrayList<>();
        frames.add(frame(chunk(id, model, JSON.createObjectNode().put("role", "assistant").put("content", ""), null)));
        if (content != null) {
            for (String piece : FakeAnswers.pieces(content)) {
                frames.add(frame(chunk(id, model, JSON.createObjectNode().put("content", piece), null)));
            }
        }
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            ObjectNode start = JSON.createObjectNode();
            start.putArray("tool_calls").addObject().put("index", i).put("id", call.id()).put("type", "function")
                    .putObject("function").put("name", call.name()).put("arguments", "");
            frames.add(frame(chunk(id, model, start, null)));
            int cut = call.arguments().length() / 2;
            for (String piece : List.of(call.arguments().substring(0, cut), call.arguments().substring(cut))) {
                ObjectNode delta = JSON.createObjectNode();
                delta.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments", piece);
                frames.add(frame(chunk(id, model, delta, null)));
            }
        }
        frames.add(frame(chunk(id, model, JSON.createObjectNode(), finish)));
        if (usage != null) {
            ObjectNode last = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", 0).put("model", model);
            last.putArray("choices");
            last.set("usage", usage);
            frames.add(frame(last));
        }
        frames.add("data: [DONE]\n\n");
        return new Answer.Events(frames, 1, 1);
    }

    private static ObjectNode chunk(String id, String model, ObjectNode delta, String finish) {
        ObjectNode chunk = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", 0).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return chunk;
    }

    private static String frame(JsonNode data) {
        return "data: " + data + "\n\n";
    }

    private Answer embeddings(RecordedRequest request) {
        JsonNode body = request.json();
        JsonNode input = body == null ? null : body.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.textValue());
        } else if (input != null && input.isArray()) {
            input.forEach(item -> texts.add(item.asText()));
        }
        if (texts.isEmpty()) {
            return new Answer.Whole(400, errorBody(400, "'input' must be a string or a non-empty array of strings"));
        }
        int dims = body.path("dimensions").asInt(dimensions());
        ObjectNode answer = JSON.createObjectNode().put("object", "list").put("model", body.path("model").asText());
        ArrayNode data = answer.putArray("data");
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            for (float value : FakeAnswers.embedding(texts.get(i), dims)) {
                vector.add(value);
            }
            tokens += FakeAnswers.tokens(texts.get(i));
        }
        answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return new Answer.Whole(200, answer.toString());
    }

    /** Message content as text: a string, or the {@code text} parts of a content array. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(part -> text.append(part.path("text").asText("")));
            return text.toString();
        }
        return content.asText();
    }

    @Override
    String errorBody(int status, String message) {
        String type = status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", type).putNull("param")
                .put("code", status == 401 ? "invalid_api_key" : type);
        return error.toString();
    }

    @Override
    String streamErrorFrame(String message, boolean requestError) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message)
                .put("type", requestError ? "invalid_request_error" : "server_error");
        return frame(error);
    }

    @Override
    boolean authorized(RecordedRequest request, String key) {
        return ("Bearer " + key).equals(request.header("authorization"));
    }
}
