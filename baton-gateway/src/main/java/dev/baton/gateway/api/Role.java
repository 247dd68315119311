package dev.baton.gateway.api;

/** Who wrote a chat message. OpenAI's {@code developer} role is read as {@link #SYSTEM}. */
public enum Role {
    /** Instructions that frame the conversation. */
    SYSTEM,
    /** The end user. */
    USER,
    /** The model; may carry tool calls. */
    ASSISTANT,
    /** The result of a tool call, answering {@link ChatMessage#toolCallId()}. */
    TOOL
}
