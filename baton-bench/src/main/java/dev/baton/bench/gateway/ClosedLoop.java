package dev.baton.bench.gateway;

import dev.baton.bench.engine.Percentiles;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop client in this JVM: {@code concurrency} virtual threads send {@code requests} non-streaming POSTs
 * in total (each thread its next request as soon as the previous answered), over one JDK HTTP/1.1 client with
 * keep-alive. A request succeeds when the answer is 200 and contains the expected text. Thread-safe counters
 * ({@link #done()}) can be read while it runs.
 */
final class ClosedLoop {
    private final AtomicLong done = new AtomicLong();

    /**
     * What happened.
     *
     * @param requests  sent
     * @param succeeded 200 with the expected content
     * @param statuses  answers per status (0 = no answer: an I/O error)
     * @param samples   the first few failures (status and body or exception)
     * @param latency   per request, all outcomes
     * @param seconds   wall time from the first send to the last answer
     */
    record Outcome(int requests, int succeeded, Map<Integer, Integer> statuses, List<String> samples,
                   Percentiles latency, double seconds) {
    }

    /** Requests finished so far. */
    long done() {
        return done.get();
    }

    Outcome run(URI url, String body, String expected, int requests, int concurrency) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> samples = new CopyOnWriteArrayList<>();
        long[] latencies = new long[requests];
        long begin = System.nanoTime();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        long start = System.nanoTime();
                        int status;
                        String detail;
                        try {
                            HttpResponse<String> response = client.send(ChatBodies.post(url, body).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            status = response.statusCode();
                            detail = response.body();
                        } catch (Exception e) {
                            status = 0;
                            detail = e.toString();
                        }
                        latencies[i] = System.nanoTime() - start;
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (status == 200 && detail.contains(expected)) {
                            succeeded.incrementAndGet();
                        } else if (samples.size() < 5) {
                            samples.add(status + " " + detail);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((status, count) -> counts.put(status, count.get()));
        return new Outcome(requests, succeeded.get(), counts, List.copyOf(samples), Percentiles.ofNanos(latencies),
                seconds);
    }
}
