package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import dev.baton.gateway.Gateway;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the embedding-model step types share: their name, their arguments, the {@link Embedder} that finds a
 * ready model (in process, or a gateway embedding alias), and their per-type concurrency limit (CPU-bound work: normally the number of cores). Thread-safe.
 */
abstract sealed class ModelStep implements StepHandler permits ClassifyStep, EmbedStep, SimilarityStep {
    private final String type;
    private final StepSignature signature;
    private final int concurrencyLimit;
    final Embedder embedder;

    /**
     * @param models           where {@code model} names are looked up first
     * @param gateway          where other {@code model} names are looked up (embedding aliases), or {@code null}
     * @param concurrencyLimit attempts of this type running at once, or 0 for the engine's global limit only
     */
    ModelStep(String type, StepSignature signature, EmbeddingModelRegistry models, Gateway gateway,
              int concurrencyLimit) {
        this.type = Objects.requireNonNull(type, "type");
        this.signature = Objects.requireNonNull(signature, "signature");
        this.embedder = new Embedder(Objects.requireNonNull(models, "models"), gateway);
        this.concurrencyLimit = concurrencyLimit;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final StepSignature signature() {
        return signature;
    }

    @Override
    public final int concurrencyLimit() {
        return concurrencyLimit;
    }

    /** At validation time: a constant {@code model} must name a known model; then {@link #checkMore}. */
    @Override
    public final List<FieldError> checkArguments(Set<String> names, Map<String, JsonNode> constants) {
        ArgumentChecks checks = new ArgumentChecks(constants);
        checks.ifConstant("model", () -> embedder.check(Arguments.text(checks.constant("model"), "model")));
        checkMore(names, checks);
        return checks.problems();
    }

    /** The type's own validation-time checks of its constant arguments (the default checks nothing more). */
    void checkMore(Set<String> names, ArgumentChecks checks) {
    }
}
