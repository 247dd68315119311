package dev.baton.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.provider.http.ServerSentEvent;
import dev.baton.gateway.api.TokenEstimate;
import dev.baton.gateway.provider.http.UpstreamFailures;
import dev.baton.gateway.provider.http.UpstreamStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an OpenAI {@code chat.completion.chunk} event stream into {@link ChatChunk}s: {@code delta.content} →
 * text, {@code delta.tool_calls[]} → {@link ChatChunk.ToolCallDelta}s (by {@code index}), {@code finish_reason}
 * → the last chunk's finish reason, the final {@code usage} chunk (sent because the request asked for
 * {@code stream_options.include_usage}) → the result's usage. The stream must end with {@code data: [DONE]};
 * an end without it is {@code UPSTREAM_UNAVAILABLE}. An {@code {"error":...}} event mid-stream (vLLM, OpenAI) is
 * {@code UPSTREAM_UNAVAILABLE} with the upstream's message. One instance per stream.
 */
final class OpenAiStreamReader {
    private final UpstreamStream stream;
    private final ChatRequest request;
    private String id;
    private FinishReason finish;
    private Usage usage;
    private boolean toolCalls;
    private long outputChars;

    OpenAiStreamReader(UpstreamStream stream, ChatRequest request) {
        this.stream = stream;
        this.request = request;
    }

    StreamResult read(ChunkSink sink) {
        ServerSentEvent event;
        while ((event = stream.next()) != null) {
            String data = event.data();
            if (data.strip().equals("[DONE]")) {
                stream.finish();
                return result();
            }
            if (data.isBlank()) {
                continue;
            }
            JsonNode chunk = parse(data);
            if (chunk.has("error") && !chunk.get("error").isNull()) {
                // A request error reported in-stream (OpenAI and vLLM do this) is the caller's, not the
                // deployment's: not retried elsewhere, not held against the breaker. Anything else is an outage.
                String type = OpenAiWire.text(chunk.get("error").get("type"));
                ErrorCode code = "invalid_request_error".equals(type) ? ErrorCode.UPSTREAM_REJECTED
                        : ErrorCode.UPSTREAM_UNAVAILABLE;
                throw new BatonException(code, UpstreamFailures.redact(stream.target()
                        + ": the stream reported an error: " + UpstreamFailures.errorMessage(data.getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)), stream.apiKey()));
            }
            if (id == null) {
                id = OpenAiWire.text(chunk.get("id"));
            }
            Usage reported = OpenAiWire.usage(chunk.get("usage"));
            if (reported != null) {
                usage = reported;
            }
            JsonNode choices = chunk.path("choices");
            if (choices.isArray() && !choices.isEmpty()) {
                deliver(choices.get(0), sink);
            }
        }
        throw UpstreamFailures.truncated(stream.target(), "stream ended without [DONE]");
    }

    private void deliver(JsonNode choice, ChunkSink sink) {
        JsonNode delta = choice.path("delta");
        String content = OpenAiWire.text(delta.get("content"));
        if (content == null) {
            content = OpenAiWire.text(delta.get("refusal"));
        }
        List<ChatChunk.ToolCallDelta> calls = new ArrayList<>();
        for (JsonNode call : delta.path("tool_calls")) {
            JsonNode function = call.path("function");
            String arguments = OpenAiWire.text(function.get("arguments"));
            String name = OpenAiWire.text(function.get("name"));
            int index = call.path("index").asInt(calls.size());
            calls.add(new ChatChunk.ToolCallDelta(index, OpenAiWire.text(call.get("id")), name, arguments));
            outputChars += (arguments == null ? 0 : arguments.length()) + (name == null ? 0 : name.length());
        }
        String reason = OpenAiWire.text(choice.get("finish_reason"));
        toolCalls |= !calls.isEmpty();
        FinishReason chunkFinish = reason == null ? null : OpenAiWire.finishReason(reason, toolCalls);
        if (chunkFinish != null) {
            finish = chunkFinish;
        }
        boolean hasContent = content != null && !content.isEmpty();
        if (hasContent) {
            outputChars += content.length();
        }
        if (hasContent || !calls.isEmpty()) {
            stream.firstTokenReceived();
        }
        if (hasContent || !calls.isEmpty() || chunkFinish != null) {
            try {
                sink.accept(new ChatChunk(hasContent ? content : null, calls, chunkFinish));
            } catch (RuntimeException e) {
                stream.close();
                throw e;
            }
        }
    }

    private JsonNode parse(String data) {
        try {
            JsonNode node = OpenAiWire.JSON.readTree(data);
            if (node == null || !node.isObject()) {
                throw UpstreamFailures.invalidResponse(stream.target(), "a stream event is not a JSON object: "
                        + UpstreamFailures.preview(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)), null);
            }
            return node;
        } catch (IOException e) {
            throw UpstreamFailures.invalidResponse(stream.target(), "a stream event is not JSON: "
                    + UpstreamFailures.preview(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)), e);
        }
    }

    private StreamResult result() {
        Usage used = usage != null ? usage : new Usage(TokenEstimate.tokens(TokenEstimate.promptChars(request)),
                TokenEstimate.tokens(outputChars), true);
        FinishReason reason = finish != null ? finish : toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        return new StreamResult(id == null || id.isEmpty() ? OpenAiWire.id(OpenAiWire.JSON.createObjectNode()) : id,
                reason, used, null);
    }
}
