package dev.baton.server.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ToolCall;
import dev.baton.gateway.api.Usage;

import java.util.Locale;

/**
 * Writes provider-neutral chat results in OpenAI's wire shapes: {@code chat.completion} objects and
 * {@code chat.completion.chunk} stream events. {@code model} is the alias the client asked for (the deployment
 * that answered is in the {@code x-baton-deployment} header). Stateless; thread-safe.
 */
final class ChatResponseWriter {
    private final ObjectMapper json;

    ChatResponseWriter(ObjectMapper json) {
        this.json = json;
    }

    /** A whole {@code chat.completion}. */
    ObjectNode completion(ChatResponse response, String model, long created) {
        ObjectNode body = json.createObjectNode();
        body.put("id", response.id());
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ChatMessage message = response.message();
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        if (message.content() == null) {
            out.putNull("content");
        } else {
            out.put("content", message.content());
        }
        out.putNull("refusal");
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                ObjectNode c = calls.addObject();
                c.put("id", call.id());
                c.put("type", "function");
                ObjectNode f = c.putObject("function");
                f.put("name", call.name());
                f.put("arguments", call.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(response.finishReason()));
        body.set("usage", usage(response.usage()));
        body.putNull("system_fingerprint");
        return body;
    }

    /**
     * One {@code chat.completion.chunk} carrying {@code chunk}.
     *
     * @param first        whether this is the stream's first chunk (it carries {@code role: assistant})
     * @param includeUsage whether the client asked for usage (every chunk then has {@code usage: null})
     */
    ObjectNode chunk(ChatChunk chunk, String id, String model, long created, boolean first, boolean includeUsage) {
        ObjectNode body = chunkHeader(id, model, created);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        if (chunk.content() != null) {
            delta.put("content", chunk.content());
        }
        if (!chunk.toolCalls().isEmpty()) {
            ArrayNode calls = delta.putArray("tool_calls");
            for (ChatChunk.ToolCallDelta call : chunk.toolCalls()) {
                ObjectNode c = calls.addObject();
                c.put("index", call.index());
                if (call.id() != null) {
                    c.put("id", call.id());
                    c.put("type", "function");
                }
                ObjectNode f = c.putObject("function");
                if (call.name() != null) {
                    f.put("name", call.name());
                }
                if (call.arguments() != null) {
                    f.put("arguments", call.arguments());
                }
            }
        }
        choice.putNull("logprobs");
        if (chunk.finishReason() == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason(chunk.finishReason()));
        }
        if (includeUsage) {
            body.putNull("usage");
        }
        return body;
    }

    /** The closing chunk when the client asked for usage: no choices, the usage. */
    ObjectNode usageChunk(Usage usage, String id, String model, long created) {
        ObjectNode body = chunkHeader(id, model, created);
        body.putArray("choices");
        body.set("usage", usage(usage));
        return body;
    }

    /** A chunk with only a finish reason (when the last content chunk carried none). */
    ObjectNode finishChunk(FinishReason reason, String id, String model, long created, boolean includeUsage) {
        return chunk(new ChatChunk(null, null, reason), id, model, created, false, includeUsage);
    }

    private ObjectNode chunkHeader(String id, String model, long created) {
        ObjectNode body = json.createObjectNode();
        body.put("id", id);
        body.put("object", "chat.completion.chunk");
        body.put("created", created);
        body.put("model", model);
        body.putNull("system_fingerprint");
        return body;
    }

    /** OpenAI's {@code usage} object; an estimate is marked with Baton's {@code estimated: true}. */
    ObjectNode usage(Usage usage) {
        ObjectNode out = json.createObjectNode();
        out.put("prompt_tokens", usage.inputTokens());
        out.put("completion_tokens", usage.outputTokens());
        out.put("total_tokens", usage.totalTokens());
        if (usage.estimated()) {
            out.put("estimated", true);
        }
        return out;
    }

    static String finishReason(FinishReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
