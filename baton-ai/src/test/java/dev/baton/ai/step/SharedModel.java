package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;

/** The real bge-small-en-v1.5 model, loaded once per test JVM and shared by the step tests. */
final class SharedModel {
    private static final BgeSmallEnV15Model MODEL = BgeSmallEnV15Model.loadInBackground(OnnxSettings.defaults());

    private SharedModel() {
    }

    static BgeSmallEnV15Model model() {
        return MODEL;
    }

    /** A fresh registry over the shared model (its default). */
    static EmbeddingModelRegistry registry() {
        return EmbeddingModelRegistry.of(MODEL);
    }
}
