package dev.baton.gateway.api;

import java.util.Objects;

/**
 * A finished chat completion.
 *
 * @param id           the provider's response id (or one Baton made up when it gave none)
 * @param message      the assistant's message (text and/or tool calls)
 * @param finishReason why generation stopped
 * @param usage        tokens used
 * @param served       where it was served; {@code null} when returned by a provider (the gateway fills it in)
 */
public record ChatResponse(String id, ChatMessage message, FinishReason finishReason, Usage usage, Served served) {
    public ChatResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
    }

    public ChatResponse withServed(Served newServed) {
        return new ChatResponse(id, message, finishReason, usage, newServed);
    }
}
