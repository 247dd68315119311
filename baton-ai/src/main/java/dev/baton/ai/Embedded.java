package dev.baton.ai;

import java.util.List;
import java.util.Objects;

/**
 * Vectors together with what they cost in tokens.
 *
 * @param vectors     one vector per input text, in input order
 * @param inputTokens tokens the texts were split into (≥ 0)
 * @param estimated   {@code true} when {@code inputTokens} is an estimate (about four characters per token, the
 *                    rule of thumb OpenAI documents for English text) rather than the model tokenizer's count
 */
public record Embedded(List<float[]> vectors, long inputTokens, boolean estimated) {
    public Embedded {
        vectors = List.copyOf(Objects.requireNonNull(vectors, "vectors"));
        if (inputTokens < 0) {
            throw new IllegalArgumentException("inputTokens must be ≥ 0: " + inputTokens);
        }
    }

    /**
     * An estimate of the tokens of {@code texts}: {@code ceil(chars / 4)} per text, at least 1 per non-empty text.
     */
    public static long estimateTokens(List<String> texts) {
        long tokens = 0;
        for (String text : texts) {
            int chars = text.length();
            tokens += chars == 0 ? 0 : Math.max(1, (chars + 3) / 4);
        }
        return tokens;
    }
}
