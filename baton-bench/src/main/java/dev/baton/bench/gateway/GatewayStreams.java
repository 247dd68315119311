package dev.baton.bench.gateway;

import dev.baton.gateway.testing.Fault;
import dev.baton.gateway.testing.FakeOpenAiServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many streams open at once: {@code --streams} (default 1,000) concurrent {@code stream: true} chat completions
 * through {@code baton server} (a child process), in {@code --waves} successive waves (default 2, so growth from
 * one wave to the next would show), each stream long enough that all are open together: the upstream
 * ({@code FakeOpenAiServer} in this JVM) streams {@code --chunks} content events (default 20) with
 * {@code --chunk-delay-ms} (default 500) before every event after the first, i.e. about (chunks + 2) × delay per
 * stream (1,000 streams × 2 events/s = 2,000 events/s through Baton). The streams start together, or spread over
 * {@code --ramp-ms}.
 * The client ({@link StreamWave}) is in this JVM too.
 *
 * <p>Reports per wave: streams complete with {@code [DONE]} (target: all), the peak of streams open at once, time
 * to first event and stream duration, and Baton's memory: RSS sampled every 100 ms and {@code VmHWM} (peak RSS,
 * from {@code /proc/<pid>/status}), threads, heap from its GC log (peak used before a collection, committed);
 * after the last wave a full collection ({@code jcmd GC.run}) shows what stays live. Baton runs with the JVM's
 * default heap sizing unless {@code --java-opt} says otherwise. Exits 1 when a stream did not complete.
 *
 * <p>Usage: {@code GatewayStreams [--jar baton-server/target/baton.jar] [--streams 1000] [--chunks 50]
 * [--chunk-delay-ms 500] [--ramp-ms 0] [--waves 2] [--clients 8] [--java-opt OPT]...}
 */
public final class GatewayStreams {
    private GatewayStreams() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("baton-server/target/baton.jar");
        int streams = 1000;
        int chunks = 20;
        long delayMillis = 500;
        long rampMillis = 0;
        int waves = 2;
        int clients = 8;
        List<String> javaOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--chunks" -> chunks = Integer.parseInt(args[++i]);
                case "--chunk-delay-ms" -> delayMillis = Long.parseLong(args[++i]);
                case "--waves" -> waves = Integer.parseInt(args[++i]);
                case "--ramp-ms" -> rampMillis = Long.parseLong(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--java-opt" -> javaOptions.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
            }
        }
        if (chunks < 3) {
            throw new IllegalArgumentException("--chunks must be at least 3");
        }
        System.out.println(Machine.describe());
        boolean allComplete = true;
        try (FakeOpenAiServer upstream = new FakeOpenAiServer()) {
            upstream.maxRecorded(0);
            upstream.always(Fault.delayChunks(Duration.ofMillis(delayMillis)));
            GatewayYaml yaml = new GatewayYaml(GatewayOverhead.ALIAS, "round-robin",
                    List.of(new GatewayYaml.Upstream("fake", upstream.baseUrl(), GatewayOverhead.ALIAS, "")), true,
                    false, "");
            try (BatonProcess baton = BatonProcess.start(jar, yaml.render(), javaOptions)) {
                System.out.println("baton: " + baton.commandLine());
                System.out.println("baton.yaml:\n" + yaml.render().indent(2).stripTrailing());
                String body = ChatBodies.stream(GatewayOverhead.ALIAS, chunks - 2);
                System.out.printf(Locale.ROOT, "upstream: FakeOpenAiServer in the harness JVM at %s, %d content events"
                                + " per stream, %d ms before each event after the first (~%.1f s per stream)%n",
                        upstream.baseUrl(), chunks, delayMillis, (chunks + 2) * delayMillis / 1000.0);
                System.out.println("baton idle: " + baton.status().format() + "; " + baton.heap().format());
                System.out.println("baton's listening socket: accept backlog " + Machine.listenBacklog(
                        baton.url().getPort()) + " (ss -ltn Send-Q); connections beyond it wait or are dropped");
                for (int wave = 1; wave <= waves; wave++) {
                    allComplete &= wave(baton, body, streams, clients, rampMillis, wave);
                }
                System.out.println("\nafter the last wave, full GC (jcmd GC.run): " + baton.collect().format());
                Thread.sleep(200);
                System.out.println("baton now: " + baton.status().format());
            }
        }
        if (!allComplete) {
            System.exit(1);
        }
    }

    private static boolean wave(BatonProcess baton, String body, int streams, int clients, long rampMillis, int wave)
            throws Exception {
        int gcBefore = baton.heap().collections();
        ProcessStatus before = baton.status();
        long overflowsBefore = Machine.listenOverflows();
        System.out.printf(Locale.ROOT, "%nwave %d: %d streams through %s/v1/chat/completions, %d client(s), "
                + "started over %d ms; %s%n", wave, streams, baton.url(), clients, rampMillis, Machine.load());
        StreamWave client = new StreamWave();
        AtomicReference<Double> peakRss = new AtomicReference<>(before.rssMiB());
        int[] peakThreads = {before.threads()};
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            long begin = System.nanoTime();
            long next = begin;
            int ticks = 0;
            while (!Thread.currentThread().isInterrupted()) {
                ProcessStatus now = baton.status();
                peakRss.accumulateAndGet(now.rssMiB(), Math::max);
                peakThreads[0] = Math.max(peakThreads[0], now.threads());
                if (++ticks % 20 == 0) {
                    System.out.printf(Locale.ROOT, "  %5.1f s: open %4d, finished %4d; baton %s%n",
                            (System.nanoTime() - begin) / 1e9,
                            client.open(), client.finished(), now.format());
                }
                next += 100_000_000L;
                try {
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        StreamWave.Outcome outcome = client.run(baton.url().resolve("/v1/chat/completions"), body, streams, clients,
                rampMillis);
        sampler.interrupt();
        sampler.join();
        ProcessStatus after = baton.status();
        System.out.printf(Locale.ROOT, "wave %d: %d of %d streams complete with [DONE] (%s), %d events, peak %d open at "
                        + "once, %.2f s; %s%n", wave, outcome.complete(), outcome.streams(),
                outcome.failed() == 0 ? "all" : outcome.failed() + " NOT", outcome.events(), outcome.peakOpen(),
                outcome.seconds(), Machine.load());
        outcome.failures().forEach(f -> System.out.println("  failure: " + f));
        System.out.printf(Locale.ROOT, "  TCP accept-queue overflows during the wave (kernel ListenOverflows, whole "
                + "machine): %d%n", Machine.listenOverflows() - overflowsBefore);
        System.out.println("  first event: " + outcome.firstEvent().format());
        System.out.println("  whole stream: " + outcome.whole().format());
        System.out.printf(Locale.ROOT, "  baton: RSS before %.0f MiB, peak sampled %.0f MiB, after %.0f MiB; peak RSS "
                        + "since start (VmHWM) %.0f MiB; threads peak %d; CPU %.1f s this wave%n", before.rssMiB(),
                peakRss.get(), after.rssMiB(), after.peakRssMiB(), peakThreads[0],
                (after.cpuMillis() - before.cpuMillis()) / 1000.0);
        System.out.println("  baton " + baton.heapSince(gcBefore).format() + " (this wave)");
        System.out.println("  deployment: " + baton.get("/api/v1/gateway/deployments"));
        return outcome.failed() == 0;
    }
}
