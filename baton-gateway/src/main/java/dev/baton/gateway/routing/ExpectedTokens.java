package dev.baton.gateway.routing;

import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.TokenEstimate;

/**
 * Tokens a call is expected to use, taken from tokens-per-minute buckets before the call and reconciled with
 * the provider's reported usage after it.
 *
 * <p>Method: input tokens from {@link TokenEstimate#promptChars} (≈ characters / 4); output tokens = the
 * request's {@code maxTokens}, or {@link #DEFAULT_OUTPUT_TOKENS} when it sets none. Embeddings have no output.
 * The estimate errs towards the request's upper bound, so concurrent calls cannot overshoot a limit by much
 * before their real usage is known.
 *
 * @param tokens estimated input + output tokens (≥ 1)
 */
record ExpectedTokens(long tokens) {

    /** Output tokens assumed for a chat request without {@code maxTokens}. */
    static final long DEFAULT_OUTPUT_TOKENS = 256;

    static ExpectedTokens of(ChatRequest request) {
        long output = request.maxTokens() == null ? DEFAULT_OUTPUT_TOKENS : request.maxTokens();
        return new ExpectedTokens(TokenEstimate.tokens(TokenEstimate.promptChars(request)) + output);
    }

    static ExpectedTokens of(EmbeddingRequest request) {
        return new ExpectedTokens(Math.max(1, TokenEstimate.tokens(TokenEstimate.inputChars(request.input()))));
    }
}
