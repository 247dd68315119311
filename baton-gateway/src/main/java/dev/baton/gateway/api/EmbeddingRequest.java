package dev.baton.gateway.api;

import java.util.List;
import java.util.Objects;

/**
 * An embeddings request.
 *
 * @param model      the model alias
 * @param input      the texts, at least one, none empty
 * @param dimensions requested vector length for models that can shorten their output, or {@code null}
 * @param user       the end user's id passed through, or {@code null}
 */
public record EmbeddingRequest(String model, List<String> input, Integer dimensions, String user) {
    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        input = List.copyOf(Objects.requireNonNull(input, "input"));
        if (input.isEmpty()) {
            throw new IllegalArgumentException("input must not be empty");
        }
        if (dimensions != null && dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be ≥ 1: " + dimensions);
        }
    }

    public static EmbeddingRequest of(String model, List<String> input) {
        return new EmbeddingRequest(model, input, null, null);
    }

    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, dimensions, user);
    }

    public EmbeddingRequest withInput(List<String> newInput) {
        return new EmbeddingRequest(model, newInput, dimensions, user);
    }
}
