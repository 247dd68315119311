package dev.baton.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.provider.http.ServerSentEvent;
import dev.baton.gateway.provider.http.TokenEstimate;
import dev.baton.gateway.provider.http.UpstreamFailures;
import dev.baton.gateway.provider.http.UpstreamStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an Anthropic Messages event stream into {@link ChatChunk}s
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): {@code message_start} gives the id and the
 * input usage; {@code content_block_start}/{@code content_block_delta} give text ({@code text_delta}) and tool
 * calls ({@code tool_use} blocks, {@code input_json_delta} pieces, numbered 0.. in order of the tool blocks);
 * the structured-output tool's input is delivered as text (piece by piece; at the block's end when the schema
 * had to be wrapped, so the caller gets the unwrapped value); {@code message_delta} gives the stop reason and the
 * final output usage; {@code message_stop} ends the stream (required: an end without it is
 * {@code UPSTREAM_UNAVAILABLE}); {@code error} events are mapped by their error type; {@code ping} and unknown
 * events are ignored. One instance per stream.
 */
final class AnthropicStreamReader {
    private final UpstreamStream stream;
    private final ChatRequest request;
    private final AnthropicWire.StructuredTool structured;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private final StringBuilder wrappedJson = new StringBuilder();
    private int structuredBlock = -1;
    private String id;
    private Usage usage;
    private Long outputTokens;
    private FinishReason finish;
    private boolean toolCalls;
    private long outputChars;

    AnthropicStreamReader(UpstreamStream stream, ChatRequest request) {
        this.stream = stream;
        this.request = request;
        this.structured = AnthropicWire.StructuredTool.of(request.responseFormat());
    }

    StreamResult read(ChunkSink sink) {
        ServerSentEvent event;
        while ((event = stream.next()) != null) {
            if (event.data().isBlank()) {
                continue;
            }
            JsonNode data = parse(event.data());
            String type = data.path("type").asText(event.event());
            switch (type) {
                case "message_start" -> {
                    JsonNode message = data.path("message");
                    id = message.path("id").asText(null);
                    usage = AnthropicWire.usage(message.get("usage"), null);
                }
                case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"), sink);
                case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"), sink);
                case "content_block_stop" -> {
                    if (data.path("index").asInt() == structuredBlock && structured.wrapped()) {
                        text(structured.text(parse(wrappedJson.isEmpty() ? "{}" : wrappedJson.toString())), sink);
                    }
                }
                case "message_delta" -> {
                    JsonNode reported = data.path("usage").path("output_tokens");
                    if (reported.isIntegralNumber()) {
                        outputTokens = reported.asLong();
                    }
                    String reason = data.path("delta").path("stop_reason").asText(null);
                    if (reason != null) {
                        finish = AnthropicWire.finishReason(reason, structuredBlock >= 0);
                        emit(sink, new ChatChunk(null, List.of(), finish));
                    }
                }
                case "message_stop" -> {
                    stream.finish();
                    return result();
                }
                case "error" -> throw AnthropicWire.error(data.path("error"), stream.target(), stream.apiKey());
                default -> {
                    // ping and event types added later carry nothing needed here
                }
            }
        }
        throw UpstreamFailures.truncated(stream.target(), "stream ended without message_stop");
    }

    private void blockStart(int index, JsonNode block, ChunkSink sink) {
        switch (block.path("type").asText()) {
            case "text" -> {
                String text = block.path("text").asText("");
                if (!text.isEmpty()) {
                    text(text, sink);
                }
            }
            case "tool_use" -> {
                String name = block.path("name").asText();
                stream.firstTokenReceived();
                if (structured != null && structured.name().equals(name)) {
                    structuredBlock = index;
                    return;
                }
                int toolIndex = toolIndexByBlock.size();
                toolIndexByBlock.put(index, toolIndex);
                toolCalls = true;
                outputChars += name.length();
                emit(sink, new ChatChunk(null, List.of(new ChatChunk.ToolCallDelta(toolIndex,
                        block.path("id").asText(null), name, null)), null));
            }
            default -> {
                // thinking blocks are not part of the neutral message
            }
        }
    }

    private void blockDelta(int index, JsonNode delta, ChunkSink sink) {
        switch (delta.path("type").asText()) {
            case "text_delta" -> text(delta.path("text").asText(""), sink);
            case "input_json_delta" -> {
                String piece = delta.path("partial_json").asText("");
                if (piece.isEmpty()) {
                    return;
                }
                if (index == structuredBlock) {
                    if (structured.wrapped()) {
                        stream.firstTokenReceived();
                        wrappedJson.append(piece);
                    } else {
                        text(piece, sink);
                    }
                    return;
                }
                Integer toolIndex = toolIndexByBlock.get(index);
                if (toolIndex == null) {
                    throw UpstreamFailures.invalidResponse(stream.target(),
                            "input_json_delta for block " + index + " which is not a tool_use block", null);
                }
                outputChars += piece.length();
                emit(sink, new ChatChunk(null, List.of(new ChatChunk.ToolCallDelta(toolIndex, null, null, piece)), null));
            }
            default -> {
                // thinking_delta, signature_delta
            }
        }
    }

    private void text(String text, ChunkSink sink) {
        if (text.isEmpty()) {
            return;
        }
        stream.firstTokenReceived();
        outputChars += text.length();
        emit(sink, ChatChunk.text(text));
    }

    private void emit(ChunkSink sink, ChatChunk chunk) {
        try {
            sink.accept(chunk);
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private JsonNode parse(String data) {
        try {
            JsonNode node = AnthropicWire.JSON.readTree(data);
            if (node != null && node.isObject()) {
                return node;
            }
            throw UpstreamFailures.invalidResponse(stream.target(), "a stream event is not a JSON object: "
                    + UpstreamFailures.preview(data.getBytes(StandardCharsets.UTF_8)), null);
        } catch (IOException e) {
            throw UpstreamFailures.invalidResponse(stream.target(), "a stream event is not JSON: "
                    + UpstreamFailures.preview(data.getBytes(StandardCharsets.UTF_8)), e);
        }
    }

    private StreamResult result() {
        Usage used;
        if (usage != null) {
            used = new Usage(usage.inputTokens(), outputTokens != null ? outputTokens : usage.outputTokens(), false);
        } else {
            used = new Usage(TokenEstimate.tokens(TokenEstimate.promptChars(request)), TokenEstimate.tokens(outputChars),
                    true);
        }
        FinishReason reason = finish != null ? finish : toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        return new StreamResult(AnthropicWire.id(id), reason, used, null);
    }
}
