package dev.baton.server.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The outside world of a crash test: a real HTTP service on 127.0.0.1 (JDK {@link HttpServer}, port 0) that the
 * workflows' {@code http} steps call. It records every call it receives (path, {@code Idempotency-Key}, JSON
 * body) with a serial number, answers {@code 200 {"token": "<path>-<serial>", "n": <body.n>}}, and keeps the
 * calls that {@code hold} selects waiting until {@link #releaseHeld()} (later calls are held again) or
 * {@link #stopHolding()}, so their steps are in flight when the child process is killed.
 *
 * <p>A call is recorded when it arrives, before it is held: a call whose caller died still counts as a side
 * effect. Answers to callers that have gone away are dropped. Thread-safe.
 */
final class SideEffectServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest a call is held when nobody releases it (the test has failed by then). */
    private static final long MAX_HOLD_SECONDS = 120;

    /**
     * One received call.
     *
     * @param serial         1-based order of arrival over all paths
     * @param path           the request path, e.g. {@code /a}
     * @param idempotencyKey the {@code Idempotency-Key} header, or {@code null}
     * @param body           the JSON body ({@code null} node when there was none)
     * @param token          the token this call was (or would have been) answered with
     */
    record Call(int serial, String path, String idempotencyKey, JsonNode body, String token) {
        Call {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(token, "token");
        }

        /** The {@code n} field of the body, or -1. */
        int n() {
            return body.path("n").asInt(-1);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Predicate<Call> hold;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger serials = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    /** The latch the calls held now wait on; replaced by {@link #releaseHeld()}. */
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(1));
    private volatile boolean holding = true;

    /** Starts serving on 127.0.0.1 with a free port; {@code hold} selects the calls kept waiting. */
    SideEffectServer(Predicate<Call> hold) throws IOException {
        this.hold = Objects.requireNonNull(hold, "hold");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every call received so far, in order of arrival. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls received for {@code path} with the given idempotency key, in order of arrival. */
    List<Call> calls(String path, String idempotencyKey) {
        return calls.stream().filter(c -> c.path().equals(path) && idempotencyKey.equals(c.idempotencyKey())).toList();
    }

    /** How many calls are being held right now. */
    int heldNow() {
        return held.get();
    }

    /** Lets the calls held now answer; later calls that {@code hold} selects are held again. */
    void releaseHeld() {
        gate.getAndSet(new CountDownLatch(1)).countDown();
    }

    /** Lets every held call, and every later one, answer. */
    void stopHolding() {
        holding = false;
        gate.getAndSet(new CountDownLatch(0)).countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readAllBytes();
                body = bytes.length == 0 ? JSON.nullNode() : JSON.readTree(bytes);
            }
            String path = exchange.getRequestURI().getPath();
            int serial = serials.incrementAndGet();
            Call call = new Call(serial, path, exchange.getRequestHeaders().getFirst("Idempotency-Key"), body,
                    path.substring(1) + "-" + serial);
            calls.add(call);
            if (holding && hold.test(call)) {
                CountDownLatch released = gate.get();
                held.incrementAndGet();
                try {
                    released.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    held.decrementAndGet();
                }
            }
            byte[] answer = JSON.writeValueAsBytes(JSON.createObjectNode()
                    .put("token", call.token())
                    .put("n", call.n()));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            } catch (IOException callerGone) {
                // The caller was killed while the call was held: the side effect happened, the answer is lost.
            }
        }
    }

    /** Releases held calls and stops the server. */
    @Override
    public void close() {
        stopHolding();
        server.stop(0);
        executor.shutdownNow();
    }

    /** For failure messages: the calls received, one per line. */
    String describeCalls() {
        StringBuilder text = new StringBuilder();
        for (Call call : calls) {
            text.append(call.serial()).append(' ').append(call.path()).append(" key=").append(call.idempotencyKey())
                    .append(" body=").append(call.body()).append('\n');
        }
        return text.isEmpty() ? "(no calls)" : text.toString();
    }
}
