package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.step.StepHandler;

import java.util.List;

/**
 * Builds the AI step handlers ({@code embed}, {@code similarity}, {@code classify}) over one model registry, for
 * registration in a {@link dev.baton.core.step.StepRegistry}:
 *
 * <pre>{@code
 * BgeSmallEnV15Model model = BgeSmallEnV15Model.loadInBackground(OnnxSettings.defaults());
 * EmbeddingModelRegistry models = EmbeddingModelRegistry.of(model);
 * StepRegistry steps = StepRegistry.of(AiSteps.handlers(models));
 * }</pre>
 */
public final class AiSteps {
    private AiSteps() {
    }

    /** The three handlers, each limited to one attempt per available processor (embedding is CPU-bound). */
    public static List<StepHandler> handlers(EmbeddingModelRegistry models) {
        return handlers(models, Runtime.getRuntime().availableProcessors());
    }

    /** The three handlers with a per-type concurrency limit ({@code 0} for none). */
    public static List<StepHandler> handlers(EmbeddingModelRegistry models, int concurrencyLimit) {
        if (concurrencyLimit < 0) {
            throw new IllegalArgumentException("concurrencyLimit must be >= 0, got " + concurrencyLimit);
        }
        return List.of(
                new EmbedStep(models, concurrencyLimit),
                new SimilarityStep(models, concurrencyLimit),
                new ClassifyStep(models, concurrencyLimit));
    }
}
