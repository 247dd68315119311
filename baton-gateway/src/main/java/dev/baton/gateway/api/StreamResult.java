package dev.baton.gateway.api;

import java.util.Objects;

/**
 * How a streamed completion ended.
 *
 * @param id           the provider's response id
 * @param finishReason why generation stopped
 * @param usage        tokens used: the provider's reported usage, or an estimate marked {@code estimated}
 * @param served       where it was served; {@code null} when returned by a provider (the gateway fills it in)
 */
public record StreamResult(String id, FinishReason finishReason, Usage usage, Served served) {
    public StreamResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
    }

    public StreamResult withServed(Served newServed) {
        return new StreamResult(id, finishReason, usage, newServed);
    }
}
