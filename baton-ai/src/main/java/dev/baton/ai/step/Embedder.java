package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.step.StepContext;

import java.util.List;

/**
 * Finds the model a step names and embeds through it, waiting (within the attempt's deadline) for a model that is
 * still loading instead of failing. Thread-safe.
 */
final class Embedder {
    private final EmbeddingModelRegistry models;

    Embedder(EmbeddingModelRegistry models) {
        this.models = models;
    }

    /** The model named by the step (null = default), ready to embed. */
    EmbeddingModel ready(StepContext context, String modelName) throws InterruptedException {
        EmbeddingModel model = models.require(modelName);
        if (!model.isReady()) {
            model.awaitReady(context.remaining());
        }
        return model;
    }

    List<float[]> embed(StepContext context, String modelName, List<String> texts) throws InterruptedException {
        return ready(context, modelName).embed(texts);
    }
}
