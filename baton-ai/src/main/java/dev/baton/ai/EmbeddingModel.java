package dev.baton.ai;

import dev.baton.core.error.BatonException;

import java.time.Duration;
import java.util.List;

/**
 * A text embedding model: turns texts into fixed-length, L2-normalised vectors whose cosine similarity reflects
 * semantic similarity. Provider-neutral: in-process models (ONNX) and, later, remote ones (by alias) implement
 * it; no vendor type crosses this interface.
 *
 * <p>Models may take time to load (hundreds of ms to seconds). A model that is still {@link ModelState#LOADING}
 * refuses {@link #embed} with {@code NOT_READY}; callers that can wait use {@link #awaitReady(Duration)} first.
 *
 * <p>Implementations must be thread-safe: many steps embed concurrently through one instance.
 */
public interface EmbeddingModel {

    /** The name steps use in {@code model:}, e.g. {@code bge-small-en-v1.5}. Stable, lower case. */
    String name();

    /** Length of every vector this model returns (e.g. 384). */
    int dimensions();

    /**
     * Embeds a batch of texts.
     *
     * @param texts non-empty list of non-blank texts; any length (implementations split into sized batches and
     *              handle texts longer than their context window in their own documented way)
     * @return one L2-normalised vector of {@link #dimensions()} floats per text, in input order
     * @throws BatonException       {@code INVALID_ARGUMENT} for an empty list or a blank text (the message names
     *                              its index); {@code NOT_READY} (retriable) while the model is loading;
     *                              {@code STEP_FAILED} when the model failed to load or to run
     * @throws InterruptedException when the calling thread is interrupted (cancellation); work in flight for
     *                              the current batch may finish, later batches are not started
     */
    List<float[]> embed(List<String> texts) throws InterruptedException;

    /**
     * Embeds a batch of texts like {@link #embed} and reports the tokens they cost. The default estimates the
     * tokens from the text lengths ({@link Embedded#estimateTokens}) and marks them estimated; models whose
     * tokenizer counts for free (it runs anyway) override it with exact counts.
     *
     * @throws BatonException       as {@link #embed}
     * @throws InterruptedException as {@link #embed}
     */
    default Embedded embedCounted(List<String> texts) throws InterruptedException {
        List<float[]> vectors = embed(texts);
        return new Embedded(vectors, Embedded.estimateTokens(texts), true);
    }

    /** The current loading state. Non-blocking. */
    ModelState state();

    /** Whether {@link #embed} can be called now. */
    default boolean isReady() {
        return state() == ModelState.READY;
    }

    /**
     * Blocks until the model is ready, at most {@code timeout}.
     *
     * @throws BatonException       {@code NOT_READY} (retriable) when still loading after {@code timeout};
     *                              {@code STEP_FAILED} when loading failed (with the cause)
     * @throws InterruptedException when interrupted while waiting
     */
    void awaitReady(Duration timeout) throws InterruptedException;
}
