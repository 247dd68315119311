package dev.baton.bench;

import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Raw throughput of the in-process embedding model (no engine): sentences/s when one caller embeds a fixed set
 * of texts (the distinct STS-B test sentences) in calls of 1, 16 and 64 texts, for two CPU layouts: the default
 * (one worker per core, one ONNX intra-op thread each) and one worker using every core inside ONNX Runtime.
 *
 * <p>Usage: {@code EmbeddingThroughput [TSV] [--limit N]}; TSV defaults to {@code ../shared/data/stsb/sts-test.tsv};
 * N (default: all sentences) caps the sentences per measurement. Each measurement is preceded by a warm-up pass
 * over 200 sentences. Besides wall-clock sentences/s it prints sentences per CPU-second of the process, that
 * times the cores the layout can keep busy (an optimistic estimate of the rate on an idle machine), and the load
 * average, because on a shared machine the wall-clock rate mostly measures the neighbours.
 */
public final class EmbeddingThroughput {
    private EmbeddingThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("../shared/data/stsb/sts-test.tsv");
        int limit = Integer.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--limit")) {
                limit = Integer.parseInt(args[++i]);
            } else {
                file = Path.of(args[i]);
            }
        }
        List<String> all = StsbPairs.read(file).sentences();
        List<String> texts = all.subList(0, Math.min(limit, all.size()));
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "%d sentences (distinct STS-B test sentences), %d cores%n", texts.size(), cores);
        System.out.printf(Locale.ROOT, "%-26s %6s %9s %12s %14s %12s %6s%n", "layout", "batch", "seconds",
                "sentences/s", "per CPU-second", "idle est.", "load");
        for (OnnxSettings settings : List.of(OnnxSettings.defaults(), new OnnxSettings(1, cores, 64))) {
            try (BgeSmallEnV15Model model = BenchModels.quantized(settings)) {
                String layout = settings.parallelism() + " workers x " + settings.intraOpThreads() + " intra-op";
                for (int batch : new int[]{1, 16, 64}) {
                    run(model, all.subList(0, Math.min(200, all.size())), batch);
                    long start = System.nanoTime();
                    long cpuStart = ProcessCpu.nanos();
                    run(model, texts, batch);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double cpuSeconds = (ProcessCpu.nanos() - cpuStart) / 1e9;
                    double perCpuSecond = texts.size() / cpuSeconds;
                    int busyCores = Math.min(cores, Math.min(settings.parallelism(), batch) * settings.intraOpThreads());
                    System.out.printf(Locale.ROOT, "%-26s %6d %9.2f %12.1f %14.1f %12.1f %6.1f%n", layout, batch,
                            seconds, texts.size() / seconds, perCpuSecond, perCpuSecond * busyCores,
                            ProcessCpu.loadAverage());
                }
            }
        }
    }

    private static void run(BgeSmallEnV15Model model, List<String> texts, int batch) throws InterruptedException {
        for (int from = 0; from < texts.size(); from += batch) {
            model.embed(texts.subList(from, Math.min(texts.size(), from + batch)));
        }
    }
}
