package dev.baton.bench.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.RunStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine throughput and dispatch latency on the 3-step chain {@code a → b → c} of no-op steps.
 *
 * <p>Closed loop: {@code --in-flight K} runs are kept in flight (a run is started when one finishes); starts come
 * from {@code --starters S} virtual threads, as from concurrent API clients ({@code start} stores the run
 * synchronously). After {@code --warmup W} runs, {@code --runs N} runs are timed: runs/s = N / (time from the first
 * timed start to the last timed completion). Every run must succeed.
 *
 * <p>Steps: {@code --steps transform} (the engine's built-in {@code transform}, the cheapest step) or
 * {@code --steps handler} (a plug-in {@link TimedNoopStep}, the path of {@code http}/{@code embed}: permits, a
 * virtual thread per attempt). Store: {@code --store h2} (the embedded default, a file in a temporary directory)
 * or {@code --store memory}. {@code --rate R} turns the closed loop into a paced open loop of R starts/s (low-load
 * latency); then {@code --in-flight} only bounds it.
 *
 * <p>Dispatch latency, over the timed runs, for the two edges a→b and b→c:
 * <ul>
 *   <li>{@code durable→start}: from the moment {@code AttemptFinished(a)} is durable (the store's append returned)
 *   to the engine's {@code at} of {@code AttemptStarted(b)} (when the engine decided to start b). Wall clock, µs.</li>
 *   <li>{@code durable→entry} (handler steps): from {@code AttemptFinished(a)} durable to b's handler being entered
 *   (includes journaling {@code AttemptStarted(b)}: a handler runs only once its start is durable).</li>
 *   <li>{@code exit→entry} (handler steps): a's handler returned → b's handler entered. What a user's step sees.</li>
 * </ul>
 */
public final class EngineThroughput {
    private EngineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        BenchEngine.StoreKind store = BenchEngine.StoreKind.H2;
        String steps = "transform";
        int runs = 20_000;
        int warmup = 5_000;
        int inFlight = 1_000;
        int starters = 8;
        double rate = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = BenchEngine.StoreKind.parse(args[++i]);
                case "--steps" -> steps = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--starters" -> starters = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (!steps.equals("transform") && !steps.equals("handler")) {
            throw new IllegalArgumentException("--steps must be transform or handler, got " + steps);
        }
        ChainMoments moments = new ChainMoments();
        DurableMoments[] observed = new DurableMoments[1];
        try (BenchEngine bench = BenchEngine.open(store, List.of(new TimedNoopStep(moments)), EngineConfig.DEFAULT,
                runStore -> observed[0] = new DurableMoments(runStore, moments))) {
            String workflow = bench.register(chain(steps));
            System.out.printf(Locale.ROOT, "store=%s steps=%s runs=%d warmup=%d in-flight=%d starters=%d rate=%s "
                            + "cores=%d%n", store, steps, runs, warmup, inFlight, starters,
                    rate > 0 ? rate + "/s" : "closed-loop", Runtime.getRuntime().availableProcessors());
            if (warmup > 0) {
                Result w = drive(bench.engine(), workflow, warmup, inFlight, starters, rate);
                System.out.printf(Locale.ROOT, "warm-up: %d runs in %.2f s (%.0f runs/s)%n", warmup, w.seconds(),
                        warmup / w.seconds());
            }
            moments.clear();
            moments.record(true);
            long appends = observed[0].appends();
            long entries = observed[0].entries();
            long appendNanos = observed[0].appendNanos();
            long createNanos = observed[0].createNanos();
            long creates = observed[0].creates();
            long cpu = processCpuNanos();
            Result r = drive(bench.engine(), workflow, runs, inFlight, starters, rate);
            moments.record(false);
            appends = observed[0].appends() - appends;
            entries = observed[0].entries() - entries;
            appendNanos = observed[0].appendNanos() - appendNanos;
            createNanos = observed[0].createNanos() - createNanos;
            creates = observed[0].creates() - creates;
            cpu = processCpuNanos() - cpu;
            System.out.printf(Locale.ROOT, "timed:   %d runs in %.2f s = %.0f runs/s (failed: %d)%n", runs,
                    r.seconds(), runs / r.seconds(), r.failed());
            System.out.printf(Locale.ROOT, "journal: %d transactions, %d entries (%.1f entries/transaction, "
                            + "%.2f entries/run) + %d run inserts in %d transactions (%.1f runs/transaction)%n",
                    appends, entries, entries / (double) appends, entries / (double) runs, runs, creates,
                    runs / (double) creates);
            System.out.printf(Locale.ROOT, "store time: append %.1f%% of the timed wall time (one writer thread, "
                            + "%.2f ms/transaction), create %.1f%% (%.2f ms/transaction, %.3f ms/run)%n",
                    100 * appendNanos / 1e9 / r.seconds(), appendNanos / 1e6 / appends,
                    100 * createNanos / 1e9 / r.seconds(), createNanos / 1e6 / creates, createNanos / 1e6 / runs);
            System.out.printf(Locale.ROOT, "process CPU: %.1f s over %.1f s wall = %.2f cores busy of %d; "
                            + "%.0f runs per CPU-second%n", cpu / 1e9, r.seconds(), cpu / 1e9 / r.seconds(),
                    Runtime.getRuntime().availableProcessors(), runs / (cpu / 1e9));
            System.out.printf(Locale.ROOT, "run duration (start call -> completion): %s%n",
                    Percentiles.ofNanos(r.durations()).format());
            report(moments, steps.equals("handler"));
            if (r.failed() > 0) {
                System.exit(1);
            }
        }
    }

    static String chain(String steps) {
        String uses = steps.equals("transform") ? "transform" : TimedNoopStep.TYPE;
        return """
                id: bench-chain
                description: three no-op steps in a chain
                steps:
                  a:
                    uses: %1$s
                    with: {value: 1}
                  b:
                    uses: %1$s
                    needs: [a]
                    with: {value: 2}
                  c:
                    uses: %1$s
                    needs: [b]
                    with: {value: 3}
                """.formatted(uses);
    }

    record Result(double seconds, int failed, long[] durations) {
    }

    static Result drive(LocalEngine engine, String workflow, int count, int inFlight, int starters,
                                double rate) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastDone = new AtomicLong();
        long[] durations = new long[count];
        CountDownLatch done = new CountDownLatch(count);
        long begin = System.nanoTime();
        long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < starters; s++) {
            threads.add(Thread.ofVirtual().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    if (intervalNanos > 0) {
                        long due = begin + i * intervalNanos;
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    slots.acquireUninterruptibly();
                    int index = i;
                    long started = System.nanoTime();
                    String id = engine.start(new StartRequest(BenchEngine.TENANT, workflow, 0,
                            JsonNodeFactory.instance.objectNode(), 0, null)).id();
                    engine.completion(BenchEngine.TENANT, id).whenComplete((RunView view, Throwable error) -> {
                        long now = System.nanoTime();
                        durations[index] = now - started;
                        if (error != null || view.run().status() != RunStatus.SUCCEEDED) {
                            if (failed.incrementAndGet() <= 5) {
                                System.err.println("run " + id + " did not succeed: "
                                                   + (error != null ? error : view.run()));
                            }
                        }
                        lastDone.accumulateAndGet(now, Math::max);
                        slots.release();
                        done.countDown();
                    });
                }
            }));
        }
        done.await();
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result((lastDone.get() - begin) / 1e9, failed.get(), durations);
    }

    private static void report(ChainMoments moments, boolean handlers) {
        for (int edge = 0; edge < 2; edge++) {
            String name = ChainMoments.STEPS[edge] + "->" + ChainMoments.STEPS[edge + 1];
            List<Long> durableToStart = new ArrayList<>();
            List<Long> durableToEntry = new ArrayList<>();
            List<Long> exitToEntry = new ArrayList<>();
            for (ChainMoments.Run run : moments.runs().values()) {
                long durableWall = run.finishedDurableWallMicros.get(edge);
                long startedWall = run.startedAtWallMicros.get(edge + 1);
                if (durableWall >= 0 && startedWall >= 0) {
                    durableToStart.add(startedWall - durableWall);
                }
                long entry = run.handlerEntryNanos.get(edge + 1);
                if (handlers && entry >= 0) {
                    long durable = run.finishedDurableNanos.get(edge);
                    long exit = run.handlerExitNanos.get(edge);
                    if (durable >= 0) {
                        durableToEntry.add(entry - durable);
                    }
                    if (exit >= 0) {
                        exitToEntry.add(entry - exit);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "dispatch %s durable->start: %s%n", name,
                    Percentiles.ofMicros(toArray(durableToStart)).format());
            if (handlers) {
                System.out.printf(Locale.ROOT, "dispatch %s durable->entry: %s%n", name,
                        Percentiles.ofNanos(toArray(durableToEntry)).format());
                System.out.printf(Locale.ROOT, "dispatch %s exit->entry:    %s%n", name,
                        Percentiles.ofNanos(toArray(exitToEntry)).format());
            }
        }
    }

    /** CPU time of this process (all threads), from the JVM's operating-system bean. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
