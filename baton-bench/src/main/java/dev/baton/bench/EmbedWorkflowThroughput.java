package dev.baton.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;
import dev.baton.ai.step.AiSteps;
import dev.baton.bench.engine.BenchEngine;
import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.RunStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Embedding through the engine vs the raw model, on the same texts, in one JVM with one loaded model (the
 * product's quantized bge-small-en-v1.5, {@link OnnxSettings#defaults()}).
 *
 * <ol>
 *   <li>raw: one caller embeds the texts in calls of {@code --batch} texts (as {@link EmbeddingThroughput});</li>
 *   <li>runs: one run per batch of a workflow with one {@code embed} step ({@code texts: "{{ inputs.texts }}"}),
 *       {@code --in-flight} runs at a time, on the store given by {@code --store} (default h2: the embedded default
 *       in a temporary directory; the vectors are journaled as the step's output);</li>
 *   <li>map: one run whose {@code map} step embeds every batch ({@code items} = the batches, inner step
 *       {@code embed} with {@code texts: "{{ item }}"}, {@code concurrency} = in-flight).</li>
 * </ol>
 * Each is measured {@code --rounds} times after one warm-up pass; the best round counts (noise on a shared machine
 * only slows a round down). Ratio = engine sentences/s ÷ raw sentences/s.
 *
 * <p>Usage: {@code EmbedWorkflowThroughput [--tsv FILE] [--limit N] [--batch 64] [--in-flight 4] [--rounds 3]
 * [--store h2|memory]}; TSV defaults to {@code ../shared/data/stsb/sts-test.tsv} (its distinct sentences).
 */
public final class EmbedWorkflowThroughput {
    private EmbedWorkflowThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("../shared/data/stsb/sts-test.tsv");
        int limit = Integer.MAX_VALUE;
        int batch = 64;
        int inFlight = 4;
        int rounds = 3;
        BenchEngine.StoreKind store = BenchEngine.StoreKind.H2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tsv" -> file = Path.of(args[++i]);
                case "--limit" -> limit = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--store" -> store = BenchEngine.StoreKind.parse(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        int concurrency = inFlight;
        List<String> all = StsbPairs.read(file).sentences();
        List<String> texts = all.subList(0, Math.min(limit, all.size()));
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batch) {
            batches.add(texts.subList(from, Math.min(texts.size(), from + batch)));
        }
        System.out.printf(Locale.ROOT, "%d sentences in %d batches of %d, in-flight %d, store %s, %d cores%n",
                texts.size(), batches.size(), batch, inFlight, store, Runtime.getRuntime().availableProcessors());
        try (BgeSmallEnV15Model model = BenchModels.quantized(OnnxSettings.defaults());
             BenchEngine bench = BenchEngine.open(store, AiSteps.handlers(EmbeddingModelRegistry.of(model)),
                     EngineConfig.DEFAULT, s -> s)) {
            String single = bench.register("""
                    id: bench-embed
                    description: embed a batch of texts
                    steps:
                      embed:
                        uses: embed
                        with:
                          texts: "{{ inputs.texts }}"
                    outputs:
                      count: "{{ steps.embed.output.count }}"
                    """);
            String mapped = bench.register("""
                    id: bench-embed-map
                    description: embed every batch with a map step
                    steps:
                      each:
                        uses: map
                        with:
                          items: "{{ inputs.batches }}"
                          concurrency: %d
                          step:
                            uses: embed
                            with:
                              texts: "{{ item }}"
                    outputs:
                      batches: "{{ size(steps.each.output) }}"
                    """.formatted(inFlight));
            run(model, batches.subList(0, Math.min(4, batches.size())));
            double raw = best(rounds, () -> run(model, batches), texts.size(), "raw model");
            runs(bench.engine(), single, batches.subList(0, Math.min(4, batches.size())), inFlight);
            double viaRuns = best(rounds, () -> runs(bench.engine(), single, batches, concurrency), texts.size(),
                    "engine, one run per batch");
            mapRun(bench.engine(), mapped, batches.subList(0, Math.min(4, batches.size())));
            double viaMap = best(rounds, () -> mapRun(bench.engine(), mapped, batches), texts.size(),
                    "engine, one map run");
            System.out.printf(Locale.ROOT, "ratio: runs %.1f%% of raw, map %.1f%% of raw%n", 100 * viaRuns / raw,
                    100 * viaMap / raw);
        }
    }

    /** Process CPU time. */
    private static final class ProcessCpu {
        static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    private interface Pass {
        void run() throws Exception;
    }

    private static double best(int rounds, Pass pass, int sentences, String label) throws Exception {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long cpu = ProcessCpu.processCpuNanos();
            long start = System.nanoTime();
            pass.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (ProcessCpu.processCpuNanos() - cpu) / 1e9;
            double rate = sentences / seconds;
            System.out.printf(Locale.ROOT, "%-28s round %d: %7.2f s %9.1f sentences/s %7.1f per CPU-second "
                            + "(load %.1f)%n", label, r + 1, seconds, rate, sentences / cpuSeconds,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            best = Math.max(best, rate);
        }
        return best;
    }

    private static void run(BgeSmallEnV15Model model, List<List<String>> batches) throws InterruptedException {
        for (List<String> texts : batches) {
            model.embed(texts);
        }
    }

    private static void runs(LocalEngine engine, String workflow, List<List<String>> batches, int inFlight)
            throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<RunView>> done = new ArrayList<>();
        for (List<String> texts : batches) {
            slots.acquire();
            ObjectNode inputs = JsonNodeFactory.instance.objectNode();
            ArrayNode array = inputs.putArray("texts");
            texts.forEach(array::add);
            String id = engine.start(new StartRequest(BenchEngine.TENANT, workflow, 0, inputs, 0, null)).id();
            done.add(engine.completion(BenchEngine.TENANT, id).whenComplete((view, error) -> slots.release()));
        }
        for (CompletableFuture<RunView> future : done) {
            check(future.join());
        }
    }

    private static void mapRun(LocalEngine engine, String workflow, List<List<String>> batches) {
        ObjectNode inputs = JsonNodeFactory.instance.objectNode();
        ArrayNode array = inputs.putArray("batches");
        for (List<String> texts : batches) {
            ArrayNode one = array.addArray();
            texts.forEach(one::add);
        }
        String id = engine.start(new StartRequest(BenchEngine.TENANT, workflow, 0, inputs, 0, null)).id();
        check(engine.completion(BenchEngine.TENANT, id).join());
    }

    private static void check(RunView view) {
        if (view.run().status() != RunStatus.SUCCEEDED) {
            throw new IllegalStateException("run " + view.run().id() + " did not succeed: " + view.run().error());
        }
    }
}
