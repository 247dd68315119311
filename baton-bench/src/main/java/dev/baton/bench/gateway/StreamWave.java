package dev.baton.bench.gateway;

import dev.baton.bench.engine.Percentiles;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One wave of concurrent streamed chat completions from this JVM: {@code streams} virtual threads, started
 * together, each POSTs one {@code stream: true} request (spread round-robin over {@code clients} JDK HTTP/1.1
 * clients, one connection per stream) and reads the event stream line by line to its end. A stream is complete
 * when it answered 200 and its last event was {@code data: [DONE]}. {@link #open()} (headers received, end not
 * yet) and {@link #finished()} can be read while it runs.
 */
final class StreamWave {
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();

    /**
     * What happened.
     *
     * @param streams      started
     * @param complete     200 and ended with {@code [DONE]}
     * @param failures     the first few failures (status, last line or exception)
     * @param failed       streams that were not complete
     * @param peakOpen     most streams open at once (response headers received, end not yet)
     * @param events       {@code data:} events received over all streams, {@code [DONE]} excluded
     * @param firstEvent   request sent -> first event, all streams
     * @param whole        request sent -> end of stream, all streams
     * @param seconds      first request -> last end
     */
    record Outcome(int streams, int complete, int failed, List<String> failures, int peakOpen, long events,
                   Percentiles firstEvent, Percentiles whole, double seconds) {
    }

    int open() {
        return open.get();
    }

    int finished() {
        return finished.get();
    }

    /**
     * Runs the wave: starts {@code streams} streams, {@code rampMillis / streams} ms apart (0: all at once), and
     * waits for all to end.
     */
    Outcome run(URI url, String body, int streams, int clients, long rampMillis) throws InterruptedException {
        List<HttpClient> pool = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            pool.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }
        AtomicInteger complete = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        long[] first = new long[streams];
        long[] whole = new long[streams];
        long begin = System.nanoTime();
        List<Thread> threads = new ArrayList<>(streams);
        long gapNanos = rampMillis * 1_000_000L / Math.max(1, streams);
        for (int s = 0; s < streams; s++) {
            int index = s;
            if (gapNanos > 0) {
                long due = begin + s * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            HttpClient client = pool.get(s % clients);
            threads.add(Thread.ofVirtual().start(() -> {
                long start = System.nanoTime();
                String last = "";
                int status = 0;
                boolean counted = false;
                try {
                    HttpResponse<InputStream> response = client.send(ChatBodies.post(url, body).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    status = response.statusCode();
                    if (status != 200) {
                        try (InputStream error = response.body()) {
                            last = new String(error.readNBytes(300), StandardCharsets.UTF_8);
                        }
                        return;
                    }
                    peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    counted = true;
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                            StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            if (line.startsWith("data:")) {
                                if (first[index] == 0) {
                                    first[index] = System.nanoTime() - start;
                                }
                                last = line;
                                if (!line.equals("data: [DONE]")) {
                                    events.incrementAndGet();
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    last = e.toString();
                } finally {
                    if (counted) {
                        open.decrementAndGet();
                    }
                    whole[index] = System.nanoTime() - start;
                    if (status == 200 && last.equals("data: [DONE]")) {
                        complete.incrementAndGet();
                    } else if (failures.size() < 5) {
                        failures.add(String.format(java.util.Locale.ROOT, "after %.1f s (started %.1f s into the wave):"
                                + " status %d, %s", whole[index] / 1e9, (start - begin) / 1e9, status, last));
                    }
                    finished.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        pool.forEach(HttpClient::close);
        return new Outcome(streams, complete.get(), streams - complete.get(), List.copyOf(failures), peakOpen.get(),
                events.get(), Percentiles.ofNanos(first), Percentiles.ofNanos(whole), seconds);
    }
}
