package dev.baton.gateway;

import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.StreamResult;

import java.util.List;

/**
 * The AI gateway as its callers see it: chat completions (whole or streamed), embeddings and the list of model
 * aliases. The OpenAI-compatible HTTP API, the {@code llm.chat} step and the {@code embed} step with a remote
 * model all call this interface; routing, retries, failover, circuit breakers, rate limits, caching, budgets
 * and accounting happen behind it.
 *
 * <p>All methods block the calling (virtual) thread until the call is done; they are thread-safe and honour
 * interruption (the in-flight upstream request is abandoned and {@code CANCELLED} is thrown).
 *
 * <p>Errors are {@link dev.baton.core.error.BatonException}s: {@code NOT_FOUND} for an unknown model alias,
 * {@code INVALID_INPUT} for a request the gateway rejects itself, {@code RATE_LIMITED} (with
 * {@code retryAfter}) when a token bucket is empty, {@code BUDGET_EXCEEDED} when a budget would be overspent,
 * {@code UPSTREAM_REJECTED} for an upstream 4xx (returned at once, never retried),
 * {@code UPSTREAM_UNAVAILABLE}/{@code TIMEOUT} when every deployment and fallback failed.
 */
public interface Gateway {

    /**
     * One chat completion, not streamed.
     *
     * @param request the request; {@code request.model()} is a model alias
     * @param call    who is calling and on behalf of which run/step; carries the cache opt-out
     * @return the completion with its usage and where it was served
     */
    ChatResponse chat(ChatRequest request, CallContext call);

    /**
     * One streamed chat completion. Chunks are delivered to {@code sink} on the calling thread, in order.
     *
     * <p>Failover rules: a stream that fails before its first chunk reached {@code sink} is retried on the next
     * deployment (the caller sees nothing of the failed attempt); one that fails after the first chunk throws a
     * {@link dev.baton.core.error.BatonException} whose message says the stream was cut, and the caller must end
     * its own response with an explicit error (never a silent end of stream).
     *
     * @return usage (from the provider's final usage, or estimated and marked so), finish reason and where it
     *         was served
     */
    StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink);

    /**
     * Embeddings for a list of texts, one vector per text in input order.
     *
     * @param request the request; {@code request.model()} is a model alias (the in-process model is one too)
     */
    EmbeddingResponse embed(EmbeddingRequest request, CallContext call);

    /** Every model alias this gateway serves, chat and embedding, sorted by name. */
    List<ModelInfo> models();
}
