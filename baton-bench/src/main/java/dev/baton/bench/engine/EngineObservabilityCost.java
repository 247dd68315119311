package dev.baton.bench.engine;

import dev.baton.bench.observability.OtlpSink;
import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.EngineObserver;
import dev.baton.observability.MetricsSettings;
import dev.baton.observability.TracingSettings;
import dev.baton.observability.metrics.NodeMetrics;
import dev.baton.observability.tracing.Tracing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What metrics and tracing cost the engine: throughput of the 3-step chain of {@link EngineThroughput} with
 * <ul>
 *   <li>{@code off}: no observer (the engine still sets the MDC on handler threads);</li>
 *   <li>{@code metrics}: the node's {@link NodeMetrics} (Prometheus registry, JVM binders, {@code EngineMetrics}
 *   observing every run and attempt, engine gauges bound), scraped once per round as Prometheus would;</li>
 *   <li>{@code tracing}: metrics plus {@link Tracing} at 100% sampling (a root span per run, a span per attempt,
 *   batched and exported over OTLP/HTTP protobuf to a local {@link OtlpSink}).</li>
 * </ul>
 * Each round runs every mode once, on a fresh engine and store, in an order that rotates from round to round (so
 * drift of a shared 2-core machine does not favour one mode); the median of the rounds is reported with the loss
 * against {@code off} and process CPU per run.
 *
 * <p>Arguments: {@code --store h2|memory} (default memory: the engine's own cost, where an observer weighs most),
 * {@code --steps transform|handler} (default handler: the path of plug-in steps, where tracing makes the attempt
 * span current), {@code --runs N} (timed runs per mode and round, default 10,000), {@code --warmup W} (default
 * 3,000), {@code --rounds R} (default 5), {@code --warmup-rounds K} (default 2: every mode
 * runs K times first, unrecorded, so that the JIT has settled before the measured rounds), {@code --in-flight K} (default 1,000), {@code --starters S} (default 8), {@code --modes off,metrics,tracing} (default all three; the loss is reported
 * against {@code off} when it is measured).
 */
public final class EngineObservabilityCost {
    private EngineObservabilityCost() {
    }

    /** What observes the engine. */
    enum Mode { OFF, METRICS, TRACING }

    public static void main(String[] args) throws Exception {
        BenchEngine.StoreKind store = BenchEngine.StoreKind.MEMORY;
        String steps = "handler";
        int runs = 10_000;
        int warmup = 3_000;
        int rounds = 5;
        int warmupRounds = 2;
        int inFlight = 1_000;
        int starters = 8;
        Mode[] modes = Mode.values();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = BenchEngine.StoreKind.parse(args[++i]);
                case "--steps" -> steps = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> warmupRounds = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--starters" -> starters = Integer.parseInt(args[++i]);
                case "--modes" -> modes = java.util.Arrays.stream(args[++i].split(","))
                        .map(m -> Mode.valueOf(m.trim().toUpperCase(Locale.ROOT))).toArray(Mode[]::new);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (!steps.equals("transform") && !steps.equals("handler")) {
            throw new IllegalArgumentException("--steps must be transform or handler, got " + steps);
        }
        System.out.printf(Locale.ROOT, "store=%s steps=%s runs=%d warmup=%d rounds=%d in-flight=%d starters=%d "
                + "cores=%d%n", store, steps, runs, warmup, rounds, inFlight, starters,
                Runtime.getRuntime().availableProcessors());
        Map<Mode, List<double[]>> results = new EnumMap<>(Mode.class);
        try (OtlpSink sink = OtlpSink.start()) {
            for (int round = -warmupRounds; round < rounds; round++) {
                for (int k = 0; k < modes.length; k++) {
                    Mode mode = modes[Math.floorMod(round + k, modes.length)];
                    double[] r = measure(mode, store, steps, runs, warmup, inFlight, starters, sink);
                    if (round >= 0) {
                        results.computeIfAbsent(mode, m -> new ArrayList<>()).add(r);
                    }
                    System.out.printf(Locale.ROOT, "%s %d %-8s %7.0f runs/s  %6.1f µs CPU/run%n",
                            round < 0 ? "warm-up round" : "round", round < 0 ? round + warmupRounds + 1 : round + 1,
                            mode.name().toLowerCase(Locale.ROOT), r[0], r[1]);
                }
            }
            System.out.printf(Locale.ROOT, "OTLP sink: %d export requests, %.1f MiB%n", sink.requests(),
                    sink.bytes() / 1048576.0);
        }
        if (!results.containsKey(Mode.OFF)) {
            return;
        }
        double base = median(results.get(Mode.OFF), 0);
        double baseCpu = median(results.get(Mode.OFF), 1);
        System.out.println("median of " + rounds + " rounds:");
        for (Mode mode : modes) {
            double rate = median(results.get(mode), 0);
            double cpu = median(results.get(mode), 1);
            System.out.printf(Locale.ROOT, "  %-8s %7.0f runs/s (%+.1f%% vs off)  %6.1f µs CPU/run (%+.1f%%)%n",
                    mode.name().toLowerCase(Locale.ROOT), rate, 100 * (rate - base) / base, cpu,
                    100 * (cpu - baseCpu) / baseCpu);
        }
    }

    /** One mode once: returns {runs/s, process CPU µs per run}. */
    private static double[] measure(Mode mode, BenchEngine.StoreKind store, String steps, int runs, int warmup,
                                    int inFlight, int starters, OtlpSink sink) throws Exception {
        NodeMetrics metrics = mode == Mode.OFF ? null : NodeMetrics.start(MetricsSettings.DEFAULT);
        Tracing tracing = mode == Mode.TRACING ? Tracing.start(new TracingSettings(true, sink.tracesEndpoint(), 1.0,
                "baton-bench", Map.of(), Duration.ofSeconds(10)), Map.of(), null) : Tracing.off();
        List<EngineObserver> observers = new ArrayList<>();
        if (tracing.enabled()) {
            observers.add(tracing.engineObserver());
        }
        if (metrics != null) {
            observers.add(metrics.engine());
        }
        ChainMoments moments = new ChainMoments();
        try (tracing; BenchEngine bench = BenchEngine.open(store, List.of(new TimedNoopStep(moments)),
                EngineConfig.DEFAULT, runStore -> runStore, EngineObserver.of(observers))) {
            if (metrics != null) {
                metrics.engine().bind(bench.engine());
            }
            String workflow = bench.register(EngineThroughput.chain(steps));
            EngineThroughput.drive(bench.engine(), workflow, warmup, inFlight, starters, 0);
            moments.clear();
            long cpu = processCpuNanos();
            EngineThroughput.Result r = EngineThroughput.drive(bench.engine(), workflow, runs, inFlight, starters, 0);
            cpu = processCpuNanos() - cpu;
            if (metrics != null && metrics.scrape("text/plain").body().isEmpty()) {
                throw new IllegalStateException("empty scrape");
            }
            if (r.failed() > 0) {
                throw new IllegalStateException(r.failed() + " runs did not succeed");
            }
            return new double[] {runs / r.seconds(), cpu / 1e3 / runs};
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    private static double median(List<double[]> values, int index) {
        double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
