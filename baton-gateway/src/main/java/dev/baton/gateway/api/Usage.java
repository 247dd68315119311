package dev.baton.gateway.api;

/**
 * Tokens consumed by one call.
 *
 * @param inputTokens  prompt tokens (≥ 0)
 * @param outputTokens completion tokens (≥ 0; 0 for embeddings)
 * @param estimated    {@code true} when the provider reported no usage and Baton estimated it (about four
 *                     characters per token, the rule of thumb OpenAI documents for English text)
 */
public record Usage(long inputTokens, long outputTokens, boolean estimated) {

    public static final Usage ZERO = new Usage(0, 0, false);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts must be ≥ 0: " + inputTokens + ", " + outputTokens);
        }
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
