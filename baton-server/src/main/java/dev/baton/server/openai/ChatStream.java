package dev.baton.server.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.StreamResult;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One streamed chat completion written as OpenAI's Server-Sent Events: {@code data: <chunk>\n\n} per chunk,
 * then (when asked with {@code stream_options.include_usage}) a chunk with empty {@code choices} and the usage,
 * then {@code data: [DONE]\n\n}.
 *
 * <p>The response is committed (status 200, {@code text/event-stream}) only when the first chunk arrives, so a
 * failure before it is still an ordinary JSON error with its own status. A failure after it cannot change the
 * status any more: the stream then ends with {@code data: {"error": {...}}\n\n} and no {@code [DONE]}, which
 * the official SDKs raise as an error instead of taking the cut answer for a complete one.
 *
 * <p>Used by one request thread; not thread-safe.
 */
final class ChatStream implements ChunkSink {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServletResponse response;
    private final ObjectMapper json;
    private final ChatResponseWriter writer;
    private final String id;
    private final String model;
    private final long created;
    private final boolean includeUsage;
    private OutputStream out;
    private boolean finishSent;

    ChatStream(HttpServletResponse response, ObjectMapper json, ChatResponseWriter writer, String id, String model,
               long created, boolean includeUsage) {
        this.response = response;
        this.json = json;
        this.writer = writer;
        this.id = id;
        this.model = model;
        this.created = created;
        this.includeUsage = includeUsage;
    }

    /** Whether the response is committed (the first chunk was written). */
    boolean started() {
        return out != null;
    }

    @Override
    public void accept(ChatChunk chunk) {
        boolean first = !started();
        start();
        if (chunk.finishReason() != null) {
            finishSent = true;
        }
        write(writer.chunk(chunk, id, model, created, first, includeUsage));
    }

    /** Ends a stream that completed: the finish reason if no chunk carried one, the usage, {@code [DONE]}. */
    void complete(StreamResult result) {
        boolean first = !started();
        start();
        if (first) {
            write(writer.chunk(new ChatChunk("", null, null), id, model, created, true, includeUsage));
        }
        if (!finishSent) {
            write(writer.finishChunk(result.finishReason(), id, model, created, includeUsage));
        }
        if (includeUsage) {
            write(writer.usageChunk(result.usage(), id, model, created));
        }
        raw(DONE);
    }

    /** Ends a started stream that failed: an explicit error event and no {@code [DONE]}. */
    void fail(BatonException error) {
        ObjectNode body = OpenAiErrors.body(json, error);
        write(body);
    }

    private void start() {
        if (out != null) {
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader(OpenAiEndpoints.CACHE_HEADER, "miss");
        try {
            out = response.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(ObjectNode event) {
        raw(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private void raw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client closed the stream", e);
        }
    }
}
