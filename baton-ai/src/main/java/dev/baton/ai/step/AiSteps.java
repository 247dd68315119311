package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.step.StepHandler;
import dev.baton.gateway.Gateway;

import java.util.List;
import java.util.Objects;

/**
 * Builds the AI step handlers for registration in a {@link dev.baton.core.step.StepRegistry}.
 *
 * <p>In-process only ({@code embed}, {@code similarity}, {@code classify} over one model registry):
 * <pre>{@code
 * BgeSmallEnV15Model model = BgeSmallEnV15Model.loadInBackground(OnnxSettings.defaults());
 * EmbeddingModelRegistry models = EmbeddingModelRegistry.of(model);
 * StepRegistry steps = StepRegistry.of(AiSteps.handlers(models));
 * }</pre>
 *
 * <p>With the AI gateway (adds {@code llm.chat} and {@code llm.classify}; {@code embed}, {@code similarity} and
 * {@code classify} also accept the gateway's embedding aliases in {@code model:}, after the in-process names):
 * <pre>{@code
 * StepRegistry steps = StepRegistry.of(AiSteps.handlers(models, gateway));
 * }</pre>
 * The known aliases are read from {@link Gateway#models()} when a workflow is validated (a constant
 * {@code model:}; see {@link dev.baton.core.step.StepHandler#checkArguments}) and when a step runs, so an unknown
 * alias is an error naming the known ones.
 */
public final class AiSteps {
    private AiSteps() {
    }

    /** The three embedding handlers, each limited to one attempt per available processor (CPU-bound). */
    public static List<StepHandler> handlers(EmbeddingModelRegistry models) {
        return handlers(models, Runtime.getRuntime().availableProcessors());
    }

    /** The three embedding handlers with a per-type concurrency limit ({@code 0} for none). */
    public static List<StepHandler> handlers(EmbeddingModelRegistry models, int concurrencyLimit) {
        return embedding(models, null, concurrencyLimit);
    }

    /**
     * All five AI handlers: the embedding ones (limited to one attempt per available processor) over
     * {@code models} and the gateway's embedding aliases, plus {@code llm.chat} and {@code llm.classify} over
     * {@code gateway} (no per-type limit: they wait on the network; the gateway's rate limits apply).
     */
    public static List<StepHandler> handlers(EmbeddingModelRegistry models, Gateway gateway) {
        return handlers(models, gateway, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #handlers(EmbeddingModelRegistry, Gateway)} with the embedding handlers' concurrency limit. */
    public static List<StepHandler> handlers(EmbeddingModelRegistry models, Gateway gateway, int concurrencyLimit) {
        Objects.requireNonNull(gateway, "gateway");
        List<StepHandler> embedding = embedding(models, gateway, concurrencyLimit);
        return List.of(embedding.get(0), embedding.get(1), embedding.get(2),
                new LlmChatStep(gateway), new LlmClassifyStep(gateway));
    }

    private static List<StepHandler> embedding(EmbeddingModelRegistry models, Gateway gateway, int concurrencyLimit) {
        if (concurrencyLimit < 0) {
            throw new IllegalArgumentException("concurrencyLimit must be >= 0, got " + concurrencyLimit);
        }
        return List.of(
                new EmbedStep(models, gateway, concurrencyLimit),
                new SimilarityStep(models, gateway, concurrencyLimit),
                new ClassifyStep(models, gateway, concurrencyLimit));
    }
}
