package dev.baton.gateway.api;

import java.util.List;

/**
 * One piece of a streamed completion. Concatenating the {@code content} of all chunks gives the message text;
 * tool call pieces are merged by {@link ToolCallDelta#index()}.
 *
 * @param content      the next text, or {@code null}
 * @param toolCalls    tool call pieces; empty for none
 * @param finishReason set on the last content chunk, otherwise {@code null}
 */
public record ChatChunk(String content, List<ToolCallDelta> toolCalls, FinishReason finishReason) {
    public ChatChunk {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatChunk text(String content) {
        return new ChatChunk(content, List.of(), null);
    }

    /**
     * A piece of a streamed tool call.
     *
     * @param index     which tool call of the message this belongs to (0-based)
     * @param id        the call id, on the first piece of a call only, else {@code null}
     * @param name      the function name, on the first piece only, else {@code null}
     * @param arguments the next piece of the JSON arguments text, or {@code null}
     */
    public record ToolCallDelta(int index, String id, String name, String arguments) {}
}
