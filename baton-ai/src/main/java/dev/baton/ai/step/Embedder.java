package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.gateway.GatewayEmbeddingModel;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ModelKind;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the model a step names and embeds through it, waiting (within the attempt's deadline) for a model that is
 * still loading instead of failing.
 *
 * <p>Resolution order of {@code model:}: absent → the registry's default (in-process) model; a name registered in
 * the {@link EmbeddingModelRegistry} (in-process models and their aliases) → that model, called directly; else an
 * {@link ModelKind#EMBEDDING} alias of the gateway → a {@link GatewayEmbeddingModel} whose calls are attributed to
 * the run and step; else {@code INVALID_ARGUMENT} naming both lists. In-process names win so that existing
 * workflows keep their (free, local) behaviour when a gateway alias of the same name is configured.
 * Thread-safe.
 */
final class Embedder {
    private final EmbeddingModelRegistry models;
    private final Gateway gateway;
    private final Map<String, GatewayEmbeddingModel> remote = new ConcurrentHashMap<>();

    /** @param gateway the gateway for remote aliases, or {@code null} for in-process models only */
    Embedder(EmbeddingModelRegistry models, Gateway gateway) {
        this.models = models;
        this.gateway = gateway;
    }

    /**
     * Checks that {@code modelName} names a model (in process or a gateway embedding alias) without loading or
     * calling it; for workflow validation.
     *
     * @return whether it is an in-process model
     * @throws BatonException {@code INVALID_ARGUMENT} (field {@code model}) naming the known models
     */
    boolean check(String modelName) {
        if (modelName == null || gateway == null || models.names().contains(modelName)) {
            models.require(modelName);
            return true;
        }
        List<String> aliases = gateway.models().stream()
                .filter(info -> info.kind() == ModelKind.EMBEDDING)
                .map(info -> info.alias())
                .toList();
        if (!aliases.contains(modelName)) {
            String message = "unknown embedding model '" + modelName + "'; in-process models: " + models.names()
                    + ", gateway embedding models: " + aliases;
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "model: " + message,
                    List.of(new FieldError("model", message)));
        }
        return false;
    }

    /** The model named by the step (null = default), ready to embed. */
    EmbeddingModel ready(StepContext context, String modelName) throws InterruptedException {
        if (check(modelName)) {
            EmbeddingModel model = models.require(modelName);
            if (!model.isReady()) {
                model.awaitReady(context.remaining());
            }
            return model;
        }
        return remote.computeIfAbsent(modelName, alias -> GatewayEmbeddingModel.of(gateway, alias, Calls.of(context)))
                .boundTo(Calls.of(context));
    }

    List<float[]> embed(StepContext context, String modelName, List<String> texts) throws InterruptedException {
        return ready(context, modelName).embed(texts);
    }
}
