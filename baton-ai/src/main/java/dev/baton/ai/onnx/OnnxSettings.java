package dev.baton.ai.onnx;

/**
 * How an in-process ONNX model uses the CPU.
 *
 * <p>The model encodes one text per ONNX Runtime call (LangChain4j's encoder does not pad batches, and must not:
 * the quantized model's activation scales are computed per tensor at run time, so in a padded batch a text's
 * vector would depend on its batch-mates), so the cores are used by running {@code parallelism} texts at once, each call using {@code intraOpThreads} threads inside
 * ONNX Runtime. On small machines {@code parallelism = cores, intraOpThreads = 1} avoids oversubscription (see
 * docs/benchmarks.md for the measurements behind the default).
 *
 * @param parallelism    texts encoded concurrently (worker threads), 1..1024
 * @param intraOpThreads ONNX Runtime intra-op threads per call, 1..1024
 * @param batchSize      texts queued per caller at a time, 1..100,000; between batches the caller checks for
 *                       cancellation, and concurrent callers interleave at batch boundaries
 */
public record OnnxSettings(int parallelism, int intraOpThreads, int batchSize) {
    public OnnxSettings {
        check("parallelism", parallelism, 1024);
        check("intraOpThreads", intraOpThreads, 1024);
        check("batchSize", batchSize, 100_000);
    }

    /** One worker per available processor, one intra-op thread each, batches of 64. */
    public static OnnxSettings defaults() {
        return new OnnxSettings(Runtime.getRuntime().availableProcessors(), 1, 64);
    }

    private static void check(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be in 1.." + max + ", got " + value);
        }
    }
}
