package dev.baton.bench;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.Vectors;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;

import java.util.List;
import java.util.Locale;

/**
 * Cosine similarity of known sentence pairs under the fp32 reference export of bge-small-en-v1.5 and under the
 * shipped quantized model, and their difference. The fp32 figures are the reference values hard-coded in
 * {@code dev.baton.ai.step.KnownPairsTest} (baton-ai).
 *
 * <p>Usage: {@code EmbeddingReference} (no arguments).
 */
public final class EmbeddingReference {
    /** Pairs in the style of the sentence-transformers documentation examples. */
    static final List<List<String>> PAIRS = List.of(
            List.of("A man is eating food.", "A man is eating a piece of bread."),
            List.of("A man is eating food.", "A man is riding a horse."),
            List.of("The new movie is awesome", "The new movie is so great"),
            List.of("The cat sits outside", "The dog plays in the garden"),
            List.of("A man is playing guitar.", "A woman watches TV"));

    private EmbeddingReference() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddingModel reference = BenchModels.fp32Reference();
        try (BgeSmallEnV15Model quantized = BenchModels.quantized(OnnxSettings.defaults())) {
            System.out.printf(Locale.ROOT, "%-60s %10s %10s %9s%n", "pair", "fp32", "int8", "diff");
            double worst = 0;
            for (List<String> pair : PAIRS) {
                double r = cosine(reference, pair);
                double q = cosine(quantized, pair);
                worst = Math.max(worst, Math.abs(q - r));
                System.out.printf(Locale.ROOT, "%-60s %10.6f %10.6f %+9.6f%n", pair.get(0) + " | " + pair.get(1),
                        r, q, q - r);
            }
            System.out.printf(Locale.ROOT, "largest |int8 - fp32| = %.6f%n", worst);
        }
    }

    private static double cosine(EmbeddingModel model, List<String> pair) throws InterruptedException {
        List<float[]> v = model.embed(pair);
        return Vectors.cosine(v.get(0), v.get(1));
    }
}
