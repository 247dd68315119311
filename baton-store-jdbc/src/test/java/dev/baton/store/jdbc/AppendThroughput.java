package dev.baton.store.jdbc;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.baton.core.store.StoreFixtures.json;
import static dev.baton.core.store.StoreFixtures.queued;

/**
 * A load harness, not a test: the store's share of the engine's work for a 3-step DAG (a create and 8 journal
 * entries per run), with the entries of many runs group-committed in 5 appends per wave of runs, as the engine
 * does. Creates run concurrently on {@code writers} virtual threads. Prints runs/s.
 *
 * <p>Run: {@code java -cp <test classpath> dev.baton.store.jdbc.AppendThroughput [runs] [wave] [writers]}.
 */
public final class AppendThroughput {
    private static long appendNanos;


    private AppendThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int wave = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path data = Files.createTempDirectory("baton-throughput");
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data))) {
            run(stores.runs(), Math.min(total, 2_000), wave, writers); // warm-up
            appendNanos = 0;
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            run(stores.runs(), total, wave, writers);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMillisPerRun = (os.getProcessCpuTime() - cpuStart) / 1e6 / total;
            System.out.printf("%d runs (create + 8 entries each, waves of %d, %d writers) in %.2f s: %.0f runs/s%n",
                    total, wave, writers, seconds, total / seconds);
            System.out.printf("of which appends: %.2f s; process CPU per run: %.3f ms (all cores)%n",
                    appendNanos / 1e9, cpuMillisPerRun);
        }
    }

    private static void run(RunStore store, int total, int wave, int writers) throws Exception {
        try (var executor = Executors.newFixedThreadPool(writers, Thread.ofVirtual().factory())) {
            for (int done = 0; done < total; done += wave) {
                List<Future<Run>> created = new ArrayList<>();
                for (int i = 0; i < wave; i++) {
                    int n = done + i;
                    created.add(executor.submit(() -> store.create(queued("default", "bench", n))));
                }
                List<Run> runs = new ArrayList<>();
                for (Future<Run> run : created) {
                    runs.add(run.get());
                }
                long appendStart = System.nanoTime();
                Instant now = Instant.now();
                store.append(collect(runs, r -> List.of(new JournalEntry.RunStarted(r.id(), now),
                        new JournalEntry.AttemptStarted(r.id(), "a", 1, json("{'x': 1}"), now))));
                for (String[] pair : new String[][] {{"a", "b"}, {"b", "c"}}) {
                    store.append(collect(runs, r -> List.of(finished(r, pair[0], now),
                            new JournalEntry.AttemptStarted(r.id(), pair[1], 1, json("{'x': 1}"), now))));
                }
                store.append(collect(runs, r -> List.of(finished(r, "c", now),
                        new JournalEntry.RunFinished(r.id(), RunStatus.SUCCEEDED, json("{'y': 2}"), null, now))));
                appendNanos += System.nanoTime() - appendStart;
            }
        }
    }

    private static JournalEntry finished(Run run, String step, Instant at) {
        return new JournalEntry.AttemptFinished(run.id(), step, 1, AttemptStatus.SUCCEEDED, json("{'y': 1}"), null, at);
    }

    private static List<JournalEntry> collect(List<Run> runs, java.util.function.Function<Run, List<JournalEntry>> f) {
        List<JournalEntry> entries = new ArrayList<>();
        for (Run run : runs) {
            entries.addAll(f.apply(run));
        }
        return entries;
    }
}
