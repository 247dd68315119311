package dev.baton.gateway.provider;

import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.config.Deployment;

/**
 * One upstream API. Each method makes exactly one attempt against {@code deployment} (no retries) and blocks the
 * calling virtual thread. Requests arrive with {@code model} already replaced by the deployment's upstream model
 * name. Implementations are thread-safe and stateless per call.
 *
 * <p>Errors, all {@link dev.baton.core.error.BatonException}, mapped by one status mapper per provider:
 * <ul>
 *   <li>{@code RATE_LIMITED} for 429, with {@code retryAfter} from the {@code Retry-After} header when sent;</li>
 *   <li>{@code UPSTREAM_UNAVAILABLE} (retriable) for 5xx, 408, connection refused/reset and truncated bodies;</li>
 *   <li>{@code TIMEOUT} (retriable) when a connect, read, first-token or idle timeout of the deployment fired;</li>
 *   <li>{@code UPSTREAM_REJECTED} (not retriable) for other 4xx, with the upstream's error message;</li>
 *   <li>{@code UPSTREAM_INVALID_RESPONSE} (retriable on another deployment) for a body that is not the
 *       provider's documented shape;</li>
 *   <li>{@code CANCELLED} when the calling thread is interrupted (the HTTP request is abandoned).</li>
 * </ul>
 * An API key never appears in an exception message or a log line.
 */
public interface Provider {

    /** The provider type named in configuration: {@code openai}, {@code anthropic}, {@code local}. */
    String type();

    /** One non-streamed chat completion. {@code served} of the result is {@code null}. */
    ChatResponse chat(Deployment deployment, ChatRequest request);

    /**
     * {@link #chat(Deployment, ChatRequest)} carrying the call's idempotency key ({@code null}: none), which
     * providers that speak HTTP send upstream ({@link dev.baton.gateway.provider.http.IdempotencyKeys}). A
     * provider with nothing to deduplicate (in process) keeps this default, which ignores the key.
     */
    default ChatResponse chat(Deployment deployment, ChatRequest request, String idempotencyKey) {
        return chat(deployment, request);
    }

    /**
     * One streamed chat completion. Chunks go to {@code sink} as they arrive. The deployment's first-token and
     * idle timeouts apply. Usage comes from the provider's final usage report (OpenAI: requested with
     * {@code stream_options.include_usage}; Anthropic: {@code message_start}/{@code message_delta}); when none
     * arrives it is estimated and marked {@code estimated}.
     *
     * @throws dev.baton.core.error.BatonException as listed above; a stream that ends without its terminator
     *         ({@code [DONE]} / {@code message_stop}) is {@code UPSTREAM_UNAVAILABLE}
     */
    StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink);

    /** {@link #stream(Deployment, ChatRequest, ChunkSink)} with an idempotency key, as for {@code chat}. */
    default StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink, String idempotencyKey) {
        return stream(deployment, request, sink);
    }

    /**
     * Embeddings for {@code request.input()}.
     *
     * @throws dev.baton.core.error.BatonException {@code UPSTREAM_REJECTED} when this provider has no
     *         embeddings API (Anthropic), besides the errors above
     */
    EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request);

    /** {@link #embed(Deployment, EmbeddingRequest)} with an idempotency key, as for {@code chat}. */
    default EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request, String idempotencyKey) {
        return embed(deployment, request);
    }

    /**
     * An active health probe that costs no tokens (OpenAI-compatible: {@code GET /models}; Anthropic:
     * {@code GET /v1/models}; in-process: the model's loading state). Returns normally when healthy.
     *
     * @throws dev.baton.core.error.BatonException when the deployment is unreachable or answers an error
     */
    void probe(Deployment deployment);
}
