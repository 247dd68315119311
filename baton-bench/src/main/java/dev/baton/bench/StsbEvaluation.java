package dev.baton.bench;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.Vectors;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Embedding correctness on the STS Benchmark test split: embeds every distinct sentence (in batches), takes the
 * cosine similarity of each pair, and prints the Spearman rank correlation with the gold scores (×100) next to
 * the published figure for bge-small-en-v1.5 (85.86, MTEB STSBenchmark, fp32 PyTorch), plus sentences/s.
 *
 * <p>Usage: {@code StsbEvaluation [TSV] [--fp32]}; TSV defaults to {@code ../shared/data/stsb/sts-test.tsv};
 * {@code --fp32} evaluates the unquantized reference export instead of the shipped quantized model.
 * Exits 1 when the figure is more than 1.5 points from the published one.
 */
public final class StsbEvaluation {
    static final double PUBLISHED = 85.86;
    static final double TOLERANCE = 1.5;
    private static final int BATCH = 256;

    private StsbEvaluation() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("../shared/data/stsb/sts-test.tsv");
        boolean fp32 = false;
        for (String arg : args) {
            if (arg.equals("--fp32")) {
                fp32 = true;
            } else {
                file = Path.of(arg);
            }
        }
        StsbPairs data = StsbPairs.read(file);
        List<String> sentences = data.sentences();
        long loadStart = System.nanoTime();
        EmbeddingModel model = fp32 ? BenchModels.fp32Reference() : BenchModels.quantized(OnnxSettings.defaults());
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        long start = System.nanoTime();
        long cpuStart = ProcessCpu.nanos();
        Map<String, float[]> vectors = new HashMap<>();
        for (int from = 0; from < sentences.size(); from += BATCH) {
            List<String> batch = sentences.subList(from, Math.min(sentences.size(), from + BATCH));
            List<float[]> embedded = model.embed(batch);
            for (int i = 0; i < batch.size(); i++) {
                vectors.put(batch.get(i), embedded.get(i));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (ProcessCpu.nanos() - cpuStart) / 1e9;

        double[] gold = new double[data.pairs().size()];
        double[] cosine = new double[gold.length];
        for (int i = 0; i < gold.length; i++) {
            StsbPairs.Pair pair = data.pairs().get(i);
            gold[i] = pair.score();
            cosine[i] = Vectors.cosine(vectors.get(pair.sentence1()), vectors.get(pair.sentence2()));
        }
        double spearman = 100 * Spearman.correlation(cosine, gold);
        double pearson = 100 * Spearman.pearson(cosine, gold);
        boolean within = Math.abs(spearman - PUBLISHED) <= TOLERANCE;

        System.out.printf(Locale.ROOT, "model            %s%n", fp32 ? model.name() : BgeSmallEnV15Model.NAME
                + " (int8-quantized ONNX, in-process)");
        System.out.printf(Locale.ROOT, "data             %s: %d pairs, %d distinct sentences%n", file,
                gold.length, sentences.size());
        System.out.printf(Locale.ROOT, "spearman x100    %.2f   (published %.2f, difference %+.2f, tolerance %.1f: %s)%n",
                spearman, PUBLISHED, spearman - PUBLISHED, TOLERANCE, within ? "WITHIN" : "OUTSIDE");
        System.out.printf(Locale.ROOT, "pearson x100     %.2f   (published 84.31)%n", pearson);
        System.out.printf(Locale.ROOT, "model load       %.2f s%n", loadSeconds);
        System.out.printf(Locale.ROOT, "embedding        %d sentences in %.2f s = %.1f sentences/s (%d cores)%n",
                sentences.size(), seconds, sentences.size() / seconds, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "                 %.1f sentences per CPU-second (x %d cores = %.1f/s on an idle "
                        + "machine); load average %.1f%n", sentences.size() / cpuSeconds,
                Runtime.getRuntime().availableProcessors(),
                sentences.size() / cpuSeconds * Runtime.getRuntime().availableProcessors(), ProcessCpu.loadAverage());
        if (model instanceof AutoCloseable closeable) {
            closeable.close();
        }
        System.exit(within ? 0 : 1);
    }
}
