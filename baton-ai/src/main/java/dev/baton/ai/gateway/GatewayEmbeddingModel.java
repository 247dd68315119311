package dev.baton.ai.gateway;

import dev.baton.ai.Embedded;
import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.ModelState;
import dev.baton.ai.Vectors;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote embedding model: an {@link EmbeddingModel} over {@link Gateway#embed} for one gateway alias, so the
 * {@code embed}, {@code similarity} and {@code classify} steps can use any embedding model the gateway serves
 * (OpenAI, Ollama, vLLM...), with its routing, retries, cache and accounting.
 *
 * <ul>
 *   <li>{@link #name()} is the alias.</li>
 *   <li>{@link #dimensions()} is learned from the first answer (0 until then): the alias may be served by
 *       deployments the step cannot see.</li>
 *   <li>Vectors are L2-normalised here (OpenAI's already are; some OpenAI-compatible servers' are not). A zero
 *       vector or a count that does not match the input is {@code UPSTREAM_INVALID_RESPONSE}.</li>
 *   <li>{@link #state()} is always {@link ModelState#READY}: availability is decided per call by the gateway,
 *       whose errors ({@code RATE_LIMITED}, {@code UPSTREAM_UNAVAILABLE}, {@code TIMEOUT}...) propagate as they
 *       are, so a step's retry policy applies to the retriable ones.</li>
 * </ul>
 * Usage is attributed to the {@link CallContext} this instance is bound to ({@link #boundTo}).
 *
 * <p>Thread-safe.
 */
public final class GatewayEmbeddingModel implements EmbeddingModel {
    private final Gateway gateway;
    private final String alias;
    private final CallContext call;
    private final AtomicInteger dimensions;

    private GatewayEmbeddingModel(Gateway gateway, String alias, CallContext call, AtomicInteger dimensions) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.alias = Objects.requireNonNull(alias, "alias");
        this.call = Objects.requireNonNull(call, "call");
        this.dimensions = dimensions;
    }

    /** The alias {@code alias} of {@code gateway}, calls attributed to {@code call}. */
    public static GatewayEmbeddingModel of(Gateway gateway, String alias, CallContext call) {
        return new GatewayEmbeddingModel(gateway, alias, call, new AtomicInteger());
    }

    /** This model with its calls attributed to {@code newCall} (the learned dimensions are shared). */
    public GatewayEmbeddingModel boundTo(CallContext newCall) {
        return new GatewayEmbeddingModel(gateway, alias, newCall, dimensions);
    }

    @Override
    public String name() {
        return alias;
    }

    /** The vector length of the last answer, or 0 before the first call. */
    @Override
    public int dimensions() {
        return dimensions.get();
    }

    @Override
    public List<float[]> embed(List<String> texts) throws InterruptedException {
        return embedCounted(texts).vectors();
    }

    /** Embeds through the gateway; usage is the provider's (estimated when it reported none). */
    @Override
    public Embedded embedCounted(List<String> texts) throws InterruptedException {
        check(texts);
        EmbeddingResponse response;
        try {
            response = gateway.embed(EmbeddingRequest.of(alias, texts), call);
        } catch (BatonException e) {
            if (e.code() == ErrorCode.CANCELLED && Thread.interrupted()) {
                throw new InterruptedException("embedding with " + alias + " was cancelled");
            }
            throw e;
        }
        if (response.vectors().size() != texts.size()) {
            throw invalidResponse("returned " + response.vectors().size() + " vectors for " + texts.size() + " texts");
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        int length = response.vectors().getFirst().length;
        for (int i = 0; i < response.vectors().size(); i++) {
            float[] vector = response.vectors().get(i);
            if (vector.length == 0 || vector.length != length) {
                throw invalidResponse("vector " + i + " has " + vector.length + " dimensions, vector 0 has " + length);
            }
            if (Vectors.norm(vector) == 0) {
                throw invalidResponse("vector " + i + " is the zero vector");
            }
            vectors.add(Vectors.normalize(vector));
        }
        dimensions.set(length);
        return new Embedded(vectors, response.usage().inputTokens(), response.usage().estimated());
    }

    @Override
    public ModelState state() {
        return ModelState.READY;
    }

    @Override
    public void awaitReady(Duration timeout) {
        // always ready: the gateway decides availability per call
    }

    private BatonException invalidResponse(String what) {
        return new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, "embedding model " + alias + " " + what);
    }

    private static void check(List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw invalid("texts", "must contain at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw invalid("texts[" + i + "]", "must not be empty or blank");
            }
        }
    }

    private static BatonException invalid(String field, String message) {
        return new BatonException(ErrorCode.INVALID_ARGUMENT, field + ": " + message,
                List.of(new FieldError(field, message)));
    }
}
