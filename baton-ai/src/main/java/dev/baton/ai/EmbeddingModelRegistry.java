package dev.baton.ai;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The embedding models known to a node, by name. A model is registered under its own {@link EmbeddingModel#name()}
 * and may be registered under further aliases (e.g. {@code default}, or a remote model's alias), so steps say
 * {@code model: <name-or-alias>}.
 *
 * <p>Thread-safe: models may be registered while steps look them up (e.g. a remote model added at run time).
 */
public final class EmbeddingModelRegistry {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._:/-]{0,127}");

    private final Map<String, EmbeddingModel> models = new ConcurrentHashMap<>();
    private final String defaultName;

    /**
     * @param defaultName the model used when a step names none (it need not be registered yet)
     */
    public EmbeddingModelRegistry(String defaultName) {
        this.defaultName = checkName(defaultName);
    }

    /** A registry holding {@code model}, which is also the default. */
    public static EmbeddingModelRegistry of(EmbeddingModel model) {
        EmbeddingModelRegistry registry = new EmbeddingModelRegistry(model.name());
        registry.register(model);
        return registry;
    }

    /** Registers {@code model} under its own name. */
    public EmbeddingModelRegistry register(EmbeddingModel model) {
        return register(model.name(), model);
    }

    /**
     * Registers {@code model} under {@code alias}.
     *
     * @throws IllegalArgumentException when the alias is not a valid name or is already taken by another model
     */
    public EmbeddingModelRegistry register(String alias, EmbeddingModel model) {
        Objects.requireNonNull(model, "model");
        EmbeddingModel previous = models.putIfAbsent(checkName(alias), model);
        if (previous != null && previous != model) {
            throw new IllegalArgumentException("embedding model name '" + alias + "' is already registered");
        }
        return this;
    }

    /** The name used when a step names no model. */
    public String defaultName() {
        return defaultName;
    }

    /**
     * The model registered under {@code name}, or the default model when {@code name} is null.
     *
     * @throws BatonException {@code INVALID_ARGUMENT} (field {@code model}) naming the known models
     */
    public EmbeddingModel require(String name) {
        String wanted = name == null ? defaultName : name;
        EmbeddingModel model = models.get(wanted);
        if (model == null) {
            String message = "unknown embedding model '" + wanted + "'; known: " + names();
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "model: " + message,
                    List.of(new FieldError("model", message)));
        }
        return model;
    }

    /** Registered names and aliases, sorted. */
    public Set<String> names() {
        return new TreeSet<>(models.keySet());
    }

    /** Whether every registered model is ready (for a readiness endpoint). */
    public boolean allReady() {
        return models.values().stream().allMatch(EmbeddingModel::isReady);
    }

    /** The state of each registered name, sorted by name (for a readiness endpoint). */
    public Map<String, ModelState> states() {
        Map<String, ModelState> states = new java.util.TreeMap<>();
        models.forEach((name, model) -> states.put(name, model.state()));
        return states;
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid embedding model name '" + name
                    + "': use lower-case letters, digits and . _ : / - (at most 128 characters)");
        }
        return name;
    }
}
