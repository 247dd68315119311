package dev.baton.gateway.api;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role       who wrote it
 * @param content    the text; {@code null} only for an assistant message that consists of tool calls
 * @param name       optional participant name, or {@code null}
 * @param toolCalls  the tool calls an assistant message makes; empty for other roles
 * @param toolCallId for {@link Role#TOOL} messages, the id of the call this answers; otherwise {@code null}
 */
public record ChatMessage(Role role, String content, String name, List<ToolCall> toolCalls, String toolCallId) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (content == null && (role != Role.ASSISTANT || toolCalls.isEmpty())) {
            throw new IllegalArgumentException("content is required for a " + role + " message without tool calls");
        }
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls, not " + role);
        }
        if ((role == Role.TOOL) != (toolCallId != null)) {
            throw new IllegalArgumentException("toolCallId is required for TOOL messages and only for them");
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content, null, List.of(), null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content, null, List.of(), null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content, null, List.of(), null);
    }

    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, null, List.of(), toolCallId);
    }
}
