package dev.baton.bench.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.EngineConfig;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.RunStatus;
import dev.baton.core.security.EgressPolicy;
import dev.baton.steps.http.HttpStep;
import dev.baton.steps.http.HttpStepSettings;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many runs in flight at once, each waiting on a slow HTTP call: starts {@code --runs N} (default 10,000) runs of a
 * one-step workflow ({@code http} GET of a {@link SlowHttpServer} in a child JVM that answers after
 * {@code --delay-ms}, default 5,000) as fast as {@code --starters} threads can, then waits until every run has
 * finished; every run must succeed. Store: {@code --store h2} (default; the embedded default in a temporary
 * directory) or {@code memory}. Engine limits: {@link EngineConfig#DEFAULT} (10,000 running runs, 10,000 concurrent
 * attempts), or {@code --max-running}/{@code --max-attempts}. HTTP clients the step spreads its requests over:
 * {@code --http-clients N} (default {@link HttpStepSettings#DEFAULT_CLIENTS}; 1 = one shared client, as before).
 *
 * <p>Reports: wall time from the first start to the last completion (ideal: delay + start-up of N runs), the
 * server's peak of requests open at once, the engine's peak of active runs, peak heap used (sampled every 100 ms)
 * and RSS ({@code VmRSS}/{@code VmHWM} of this JVM). Prints progress every 10 s; gives up (exit 2) when runs have
 * not all reported completion after {@code --give-up-after-s} (default 600).
 */
public final class HttpConcurrency {
    private HttpConcurrency() {
    }

    public static void main(String[] args) throws Exception {
        BenchEngine.StoreKind store = BenchEngine.StoreKind.H2;
        int runs = 10_000;
        long delayMillis = 5_000;
        int starters = 16;
        long giveUpSeconds = 600;
        EngineConfig config = EngineConfig.DEFAULT;
        HttpStepSettings http = HttpStepSettings.defaults();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = BenchEngine.StoreKind.parse(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delayMillis = Long.parseLong(args[++i]);
                case "--starters" -> starters = Integer.parseInt(args[++i]);
                case "--give-up-after-s" -> giveUpSeconds = Long.parseLong(args[++i]);
                case "--max-running" -> config = config.withMaxRunningRuns(Integer.parseInt(args[++i]));
                case "--http-clients" -> http = http.withClients(Integer.parseInt(args[++i]));
                case "--max-attempts" -> config = config.withMaxConcurrentAttempts(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        Process server = startServer(delayMillis);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8))) {
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("listening on ")) {
                throw new IllegalStateException("slow server did not start: " + ready);
            }
            int port = Integer.parseInt(ready.substring("listening on ".length()).trim());
            System.out.printf(Locale.ROOT, "store=%s runs=%d delay=%d ms starters=%d maxRunningRuns=%d "
                            + "maxConcurrentAttempts=%d maxQueuedRuns=%d httpClients=%d cores=%d maxHeap=%d MiB%n", store, runs,
                    delayMillis, starters, config.maxRunningRuns(), config.maxConcurrentAttempts(),
                    config.maxQueuedRuns(), http.clients(), Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() / 1048576);
            System.out.println("before: " + ProcessMemory.now().format());
            try (BenchEngine bench = BenchEngine.open(store, List.of(new HttpStep(http,
                    io.opentelemetry.api.OpenTelemetry.noop(), EgressPolicy.DEFAULT.allowing("127.0.0.1"))), config,
                    s -> s)) {
                String workflow = bench.register("""
                        id: bench-slow-http
                        description: one slow HTTP call
                        steps:
                          call:
                            uses: http
                            with:
                              url: "http://127.0.0.1:%d/slow"
                              timeout: 120s
                        """.formatted(port));
                measure(bench.engine(), workflow, runs, starters, port, giveUpSeconds);
            }
        } finally {
            server.getOutputStream().close();
            server.waitFor();
        }
    }

    private static Process startServer(long delayMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                SlowHttpServer.class.getName(), "--delay-ms", Long.toString(delayMillis))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static void measure(LocalEngine engine, String workflow, int runs, int starters, int port,
                                long giveUpSeconds) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger peakActive = new AtomicInteger();
        AtomicReference<ProcessMemory> peakHeap = new AtomicReference<>(ProcessMemory.now());
        CountDownLatch done = new CountDownLatch(runs);
        java.util.concurrent.atomic.AtomicLong lastDone = new java.util.concurrent.atomic.AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakActive.accumulateAndGet(engine.activeRuns(), Math::max);
                ProcessMemory now = ProcessMemory.now();
                if (now.heapUsedMiB() > peakHeap.get().heapUsedMiB()) {
                    peakHeap.set(now);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long begin = System.nanoTime();
        long[] allStarted = new long[1];
        List<Thread> threads = new ArrayList<>();
        AtomicInteger startersLeft = new AtomicInteger(starters);
        for (int s = 0; s < starters; s++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < runs) {
                    String id = engine.start(new StartRequest(BenchEngine.TENANT, workflow, 0,
                            JsonNodeFactory.instance.objectNode(), 0, null)).id();
                    engine.completion(BenchEngine.TENANT, id).whenComplete((view, error) -> {
                        if (error != null || view.run().status() != RunStatus.SUCCEEDED) {
                            if (failed.incrementAndGet() <= 5) {
                                System.err.println("run " + id + " did not succeed: "
                                                   + (error != null ? error : view.run().error()));
                            }
                        }
                        lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                        done.countDown();
                    });
                }
                if (startersLeft.decrementAndGet() == 0) {
                    allStarted[0] = System.nanoTime();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf(Locale.ROOT, "all %d runs started in %.2f s%n", runs, (allStarted[0] - begin) / 1e9);
        long giveUp = begin + giveUpSeconds * 1_000_000_000L;
        while (!done.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            System.out.printf(Locale.ROOT, "%.0f s: %d of %d runs finished; engine: %d active, %d queued, %d attempts "
                            + "waiting for permits; server: %s%n", (System.nanoTime() - begin) / 1e9,
                    runs - done.getCount(), runs, engine.activeRuns(), engine.queuedRuns(),
                    engine.attemptsWaitingForPermits(), stats(port));
            if (System.nanoTime() > giveUp) {
                System.out.printf(Locale.ROOT, "GAVE UP after %d s: %d runs never reported completion%n",
                        giveUpSeconds, done.getCount());
                System.out.println("at peak heap: " + peakHeap.get().format());
                System.exit(2);
            }
        }
        sampler.interrupt();
        sampler.join();
        double wall = (lastDone.get() - begin) / 1e9;
        ProcessMemory atEnd = ProcessMemory.now();
        System.gc();
        ProcessMemory afterGc = ProcessMemory.now();
        System.out.printf(Locale.ROOT, "finished: %d runs, %d failed, wall %.2f s (first start -> last completion)%n",
                runs, failed.get(), wall);
        System.out.printf(Locale.ROOT, "server: %s%n", stats(port));
        System.out.printf(Locale.ROOT, "engine: peak active runs %d (sampled every 100 ms)%n", peakActive.get());
        System.out.println("at peak heap: " + peakHeap.get().format());
        System.out.println("at the end:   " + atEnd.format());
        System.out.println("after GC:     " + afterGc.format());
        if (failed.get() > 0) {
            System.exit(1);
        }
    }

    private static String stats(int port) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
