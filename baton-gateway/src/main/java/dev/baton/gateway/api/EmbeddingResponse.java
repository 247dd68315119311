package dev.baton.gateway.api;

import java.util.List;
import java.util.Objects;

/**
 * Embedding vectors, one per input text in input order.
 *
 * @param vectors the vectors (all the same length); callers must not modify the arrays
 * @param usage   tokens used (input only)
 * @param served  where it was served; {@code null} when returned by a provider (the gateway fills it in)
 */
public record EmbeddingResponse(List<float[]> vectors, Usage usage, Served served) {
    public EmbeddingResponse {
        vectors = List.copyOf(Objects.requireNonNull(vectors, "vectors"));
        Objects.requireNonNull(usage, "usage");
    }

    public EmbeddingResponse withServed(Served newServed) {
        return new EmbeddingResponse(vectors, usage, newServed);
    }
}
