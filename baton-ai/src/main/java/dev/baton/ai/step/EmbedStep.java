package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;

import java.util.List;
import java.util.Set;

/**
 * {@code embed}: with {@code {text?, texts?, model?}} (exactly one of text/texts) → for {@code text}
 * {@code {embedding: [float...], dimensions, model}}, for {@code texts}
 * {@code {embeddings: [[float...]...], dimensions, model, count}}. Vectors are L2-normalised; a list is embedded as
 * one batch. Thread-safe.
 */
public final class EmbedStep extends ModelStep {
    private static final StepSignature SIGNATURE = new StepSignature(Set.of(), Set.of("text", "texts", "model"));


    /**
     * @param models           where {@code model} names are looked up
     * @param concurrencyLimit attempts of this type running at once (CPU-bound: the number of cores), or 0
     */
    public EmbedStep(EmbeddingModelRegistry models, int concurrencyLimit) {
        this(models, null, concurrencyLimit);
    }

    /**
     * @param models           where {@code model} names are looked up first (in-process models)
     * @param gateway          where other {@code model} names are looked up (its embedding aliases), or {@code null}
     * @param concurrencyLimit attempts of this type running at once, or 0
     */
    public EmbedStep(EmbeddingModelRegistry models, Gateway gateway, int concurrencyLimit) {
        super("embed", SIGNATURE, models, gateway, concurrencyLimit);
    }

    /** At validation time: exactly one of {@code text}/{@code texts}, and their constant values. */
    @Override
    void checkMore(Set<String> names, ArgumentChecks checks) {
        if (names.contains("text") == names.contains("texts")) {
            checks.run(() -> {
                throw Arguments.invalid("text", (names.contains("text") ? "both 'text' and 'texts' given"
                        : "neither 'text' nor 'texts' given") + "; give exactly one: 'text' (a string) or 'texts' "
                        + "(a list of strings)");
            });
        }
        checks.ifConstant("text", () -> Arguments.text(checks.constant("text"), "text"))
                .ifConstant("texts", () -> Arguments.texts(checks.constant("texts"), "texts"));
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        Arguments.requireObject(arguments);
        JsonNode text = Arguments.optional(arguments, "text");
        JsonNode texts = Arguments.optional(arguments, "texts");
        if ((text == null) == (texts == null)) {
            throw Arguments.invalid("text", (text == null ? "neither 'text' nor 'texts' given" : "both 'text' and "
                    + "'texts' given") + "; give exactly one: 'text' (a string) or 'texts' (a list of strings)");
        }
        String modelName = Arguments.model(arguments);
        List<String> inputs = text != null ? List.of(Arguments.text(text, "text")) : Arguments.texts(texts, "texts");
        EmbeddingModel model = embedder.ready(context, modelName);
        List<float[]> vectors = model.embed(inputs);

        ObjectNode output = Json.NODES.objectNode();
        if (text != null) {
            output.set("embedding", Json.vector(vectors.getFirst()));
        } else {
            ArrayNode embeddings = output.putArray("embeddings");
            vectors.forEach(v -> embeddings.add(Json.vector(v)));
        }
        output.put("dimensions", model.dimensions());
        output.put("model", model.name());
        if (texts != null) {
            output.put("count", vectors.size());
        }
        return output;
    }
}
