package dev.baton.ai.gateway;

import dev.baton.ai.Embedded;
import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.ModelState;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.provider.Provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code local} provider: serves embeddings from the node's in-process {@link EmbeddingModel}s, looked up by
 * {@link Deployment#upstreamModel()} in an {@link EmbeddingModelRegistry}. No network, no API key, no cost.
 *
 * <ul>
 *   <li>{@link #embed}: waits for a model that is still loading for at most the deployment's total timeout, then
 *       embeds. Usage is the model tokenizer's exact count when the model reports one
 *       ({@link EmbeddingModel#embedCounted}), else an estimate marked {@code estimated}.</li>
 *   <li>{@link #chat} and {@link #stream}: {@code UPSTREAM_REJECTED}, the local provider serves embeddings only.</li>
 *   <li>{@link #probe}: returns when the model is ready; {@code NOT_READY} (retriable) while it loads;
 *       {@code UPSTREAM_UNAVAILABLE} when loading failed.</li>
 * </ul>
 * Error mapping: an unknown model or a requested {@code dimensions} the model cannot produce is
 * {@code UPSTREAM_REJECTED}; an empty or blank input text is {@code INVALID_INPUT} naming {@code input[i]}; a
 * model that failed to load or to run is {@code UPSTREAM_UNAVAILABLE}; interruption is {@code CANCELLED}.
 *
 * <p>Thread-safe and stateless per call (the models are thread-safe).
 */
public final class InProcessEmbeddingProvider implements Provider {
    /** The provider type named in configuration. */
    public static final String TYPE = "local";

    private final EmbeddingModelRegistry models;

    /** @param models the in-process models, looked up by {@link Deployment#upstreamModel()} */
    public InProcessEmbeddingProvider(EmbeddingModelRegistry models) {
        this.models = Objects.requireNonNull(models, "models");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ChatResponse chat(Deployment deployment, ChatRequest request) {
        throw embeddingsOnly(deployment);
    }

    @Override
    public StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink) {
        throw embeddingsOnly(deployment);
    }

    @Override
    public EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request) {
        EmbeddingModel model = model(deployment);
        if (request.dimensions() != null && request.dimensions() != model.dimensions()) {
            throw new BatonException(ErrorCode.UPSTREAM_REJECTED, "model " + model.name() + " produces "
                    + model.dimensions() + "-dimensional vectors and cannot shorten them to " + request.dimensions());
        }
        Embedded embedded;
        try {
            if (!model.isReady()) {
                model.awaitReady(deployment.timeouts().total());
            }
            embedded = model.embedCounted(request.input());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException(ErrorCode.CANCELLED, "embedding with " + model.name() + " was interrupted");
        } catch (BatonException e) {
            throw translate(model, e);
        }
        return new EmbeddingResponse(embedded.vectors(), new Usage(embedded.inputTokens(), 0, embedded.estimated()),
                null);
    }

    @Override
    public void probe(Deployment deployment) {
        EmbeddingModel model = model(deployment);
        ModelState state = model.state();
        switch (state) {
            case READY -> {
            }
            case LOADING -> throw new BatonException(ErrorCode.NOT_READY, "embedding model " + model.name()
                    + " is still loading");
            case FAILED -> throw new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "embedding model "
                    + model.name() + " failed to load", false, List.of(), null);
        }
    }

    private EmbeddingModel model(Deployment deployment) {
        try {
            return models.require(deployment.upstreamModel());
        } catch (BatonException e) {
            throw new BatonException(ErrorCode.UPSTREAM_REJECTED, "deployment " + deployment.id()
                    + ": no in-process embedding model '" + deployment.upstreamModel() + "'; known: " + models.names());
        }
    }

    private static BatonException embeddingsOnly(Deployment deployment) {
        return new BatonException(ErrorCode.UPSTREAM_REJECTED, "deployment " + deployment.id()
                + ": the local provider serves embeddings only");
    }

    /** Model errors in the provider's error vocabulary (see the class comment). */
    private static BatonException translate(EmbeddingModel model, BatonException e) {
        return switch (e.code()) {
            case INVALID_ARGUMENT -> {
                List<FieldError> errors = new ArrayList<>();
                for (FieldError error : e.errors()) {
                    errors.add(new FieldError(error.field().replaceFirst("^texts", "input"), error.message()));
                }
                String message = errors.isEmpty() ? e.getMessage()
                        : errors.getFirst().field() + ": " + errors.getFirst().message();
                yield new BatonException(ErrorCode.INVALID_INPUT, message, errors);
            }
            case NOT_READY -> e;
            default -> new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "embedding model " + model.name()
                    + " failed: " + e.getMessage(), e);
        };
    }
}
