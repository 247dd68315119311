package dev.baton.cluster;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service the workflows' {@code http} steps POST to, standing for any side effect: it records every request
 * by its {@code Idempotency-Key} header (when it arrives, before answering: the effect happens even if the caller
 * dies before the answer) and answers {@code 200 {"key": ...}} after a short delay (0..{@code maxDelayMillis}
 * ms, from a seeded random source), so node kills land while requests are in flight. A request without the
 * header is counted under {@code ""} and answered 400.
 *
 * <p>Thread-safe; one virtual thread per request.
 */
final class CountingSink implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> byKey = new ConcurrentHashMap<>();
    private final long seed;
    private final AtomicLong requests = new AtomicLong();
    private final int maxDelayMillis;

    private CountingSink(HttpServer server, long seed, int maxDelayMillis) {
        this.server = server;
        this.seed = seed;
        this.maxDelayMillis = maxDelayMillis;
    }

    static CountingSink start(long seed, int maxDelayMillis) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            CountingSink sink = new CountingSink(server, seed, maxDelayMillis);
            server.createContext("/effects", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                    sink.byKey.computeIfAbsent(key == null ? "" : key, k -> new AtomicInteger()).incrementAndGet();
                    int delay = sink.nextDelay();
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    byte[] body = key == null ? "{\"error\":\"no Idempotency-Key\"}".getBytes(StandardCharsets.UTF_8)
                            : ("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(key == null ? 400 : 200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int nextDelay() {
        if (maxDelayMillis == 0) {
            return 0;
        }
        return new SplittableRandom(seed + requests.getAndIncrement()).nextInt(maxDelayMillis + 1);
    }

    /** The URL the workflows POST to. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/effects");
    }

    /** Requests received per idempotency key, a snapshot. */
    Map<String, Integer> counts() {
        Map<String, Integer> snapshot = new java.util.TreeMap<>();
        byKey.forEach((key, count) -> snapshot.put(key, count.get()));
        return snapshot;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
