package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.Vectors;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;

import java.util.List;
import java.util.Set;

/**
 * {@code classify}: with {@code {text, labels: ["name" | {name, description?, examples?: [text...]}...], model?}}
 * → {@code {label, score, scores: {name: cosine...}}} by nearest centroid: each label's centroid is the normalised
 * mean of the embeddings of its description (or name) and its examples; the text's label is the one whose
 * centroid has the highest cosine similarity, ties going to the label listed first. Deterministic for a given
 * model. Centroids are cached per labels definition ({@link LabelCentroids}). Thread-safe.
 */
public final class ClassifyStep extends ModelStep {
    private static final StepSignature SIGNATURE = new StepSignature(Set.of("text", "labels"), Set.of("model"));
    private static final int CENTROID_CACHE_CAPACITY = 256;

    private final LabelCentroids centroids = new LabelCentroids(CENTROID_CACHE_CAPACITY);

    /**
     * @param models           where {@code model} names are looked up
     * @param concurrencyLimit attempts of this type running at once (CPU-bound: the number of cores), or 0
     */
    public ClassifyStep(EmbeddingModelRegistry models, int concurrencyLimit) {
        this(models, null, concurrencyLimit);
    }

    /**
     * @param models           where {@code model} names are looked up first (in-process models)
     * @param gateway          where other {@code model} names are looked up (its embedding aliases), or {@code null}
     * @param concurrencyLimit attempts of this type running at once, or 0
     */
    public ClassifyStep(EmbeddingModelRegistry models, Gateway gateway, int concurrencyLimit) {
        super("classify", SIGNATURE, models, gateway, concurrencyLimit);
    }

    @Override
    public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
        Arguments.requireObject(arguments);
        String text = Arguments.text(Arguments.required(arguments, "text"), "text");
        List<Label> labels = Label.parseAll(Arguments.optional(arguments, "labels"));
        String modelName = Arguments.model(arguments);

        EmbeddingModel model = embedder.ready(context, modelName);
        List<float[]> labelCentroids = centroids.centroids(model, labels);
        float[] vector = model.embed(List.of(text)).getFirst();

        ObjectNode scores = Json.NODES.objectNode();
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < labels.size(); i++) {
            double score = Vectors.cosine(vector, labelCentroids.get(i));
            scores.put(labels.get(i).name(), score);
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        ObjectNode output = Json.NODES.objectNode();
        output.put("label", labels.get(best).name());
        output.put("score", bestScore);
        output.set("scores", scores);
        return output;
    }

    /** At validation time: constant {@code labels} and {@code text}. */
    @Override
    void checkMore(Set<String> names, ArgumentChecks checks) {
        checks.ifConstant("labels", () -> Label.parseAll(checks.constant("labels")))
                .ifConstant("text", () -> Arguments.text(checks.constant("text"), "text"));
    }

    /** How many times label centroids were computed since this handler was built (cache misses). */
    public long centroidComputations() {
        return centroids.computations();
    }
}
