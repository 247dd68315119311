package dev.baton.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.api.ToolCall;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the fake upstreams share: the HTTP server on 127.0.0.1 (port 0), request recording, fault injection and
 * scripted replies. The protocol (paths, JSON shapes, stream events) is the subclass's.
 *
 * <p>Which fault applies to a request, first match wins: the next {@linkplain #enqueue scripted} one, then the
 * {@linkplain #failRandomly random rule} (drawn from a seeded {@link Random}), then the {@linkplain #always
 * standing rule}. Faults apply to every path ({@code /models} included). Replies scripted with
 * {@link #enqueueReply}/{@link #enqueueToolCalls} answer the next chat requests instead of the deterministic
 * {@link FakeAnswers}.
 *
 * <p>Thread-safe: tests and benchmarks may send concurrent requests; recording keeps the last
 * {@value #DEFAULT_MAX_RECORDED} requests by default ({@link #maxRecorded(int)}; 0 turns recording off for load
 * tests). {@link #requestCount()} counts all.
 */
public abstract sealed class FakeUpstream implements AutoCloseable permits FakeOpenAiServer, FakeAnthropicServer {
    /** Requests kept for assertions unless changed. */
    public static final int DEFAULT_MAX_RECORDED = 10_000;
    static final ObjectMapper JSON = new ObjectMapper();

    private final FakeHttpServer http;
    private final ConcurrentLinkedDeque<RecordedRequest> recorded = new ConcurrentLinkedDeque<>();
    private final AtomicInteger recordedSize = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final ConcurrentLinkedQueue<Fault> scripted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final ReentrantLock arrivalLock = new ReentrantLock();
    private final Condition arrived = arrivalLock.newCondition();
    private volatile int waiters;
    private volatile int maxRecorded = DEFAULT_MAX_RECORDED;
    private volatile Fault standing;
    private volatile RandomRule random;
    private volatile String apiKey;
    private volatile int dimensions = 16;
    private volatile Duration headerLatency = Duration.ZERO;
    private volatile Duration chunkLatency = Duration.ZERO;

    /** A scripted chat reply: text, or tool calls. */
    record Reply(String content, List<ToolCall> toolCalls) {}

    private record RandomRule(double rate, Random random, Fault fault) {}

    /** Answers a fake produces before faults are applied. */
    sealed interface Answer {
        /** A whole JSON response. */
        record Whole(int status, String json) implements Answer {}

        /**
         * An event stream.
         *
         * @param frames       the SSE frames, each ending with a blank line
         * @param firstContent the index of the first frame carrying content
         * @param terminators  how many frames at the end are the terminator ({@code [DONE]}, {@code message_stop})
         */
        record Events(List<String> frames, int firstContent, int terminators) implements Answer {}
    }

    FakeUpstream() {
        this.http = new FakeHttpServer(this::handle);
    }

    /** The API root to configure as a deployment's {@code baseUrl}: {@code http://127.0.0.1:<port>/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + http.port() + "/v1");
    }

    /** The port listened on. */
    public int port() {
        return http.port();
    }

    // ---- recording

    /** The recorded requests, oldest first (at most {@link #maxRecorded(int)} of them). */
    public List<RecordedRequest> requests() {
        return List.copyOf(new ArrayList<>(recorded));
    }

    /** The most recent request. @throws IllegalStateException when none was recorded */
    public RecordedRequest lastRequest() {
        RecordedRequest last = recorded.peekLast();
        if (last == null) {
            throw new IllegalStateException("no request recorded");
        }
        return last;
    }

    /** How many requests arrived since start (or {@link #reset()}), recorded or not. */
    public long requestCount() {
        return requests.get();
    }

    /**
     * Blocks until at least {@code count} requests arrived (see {@link #requestCount()}) or {@code timeout}
     * passed; lets a test act while a request is in flight without sleeping.
     *
     * @return whether the count was reached
     */
    public boolean awaitRequestCount(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        arrivalLock.lock();
        try {
            waiters++;
            while (requests.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                arrived.awaitNanos(left);
            }
            return true;
        } finally {
            waiters--;
            arrivalLock.unlock();
        }
    }

    /** How many TCP connections clients opened since start; with keep-alive, far fewer than requests. */
    public long connectionCount() {
        return http.accepted();
    }

    /** Keeps at most {@code max} requests (oldest dropped first); 0 records none. */
    public void maxRecorded(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be ≥ 0");
        }
        this.maxRecorded = max;
    }

    // ---- faults and scripts

    /** Applies {@code faults} to the next requests, one each, in order. */
    public void enqueue(Fault... faults) {
        scripted.addAll(List.of(faults));
    }

    /** Applies {@code fault} to every request not otherwise scripted; {@code null} clears the rule. */
    public void always(Fault fault) {
        this.standing = fault;
    }

    /**
     * Applies {@code fault} to a random share {@code rate} (0..1) of the requests not scripted, drawn from a
     * {@link Random} seeded with {@code seed} (reproducible for a given request order).
     */
    public void failRandomly(double rate, long seed, Fault fault) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate must be in [0, 1]: " + rate);
        }
        this.random = new RandomRule(rate, new Random(seed), Objects.requireNonNull(fault, "fault"));
    }

    /** Answers the next chat request with {@code content} instead of the echo. */
    public void enqueueReply(String content) {
        replies.add(new Reply(Objects.requireNonNull(content, "content"), List.of()));
    }

    /** Answers the next chat request with these tool calls (arguments as JSON text). */
    public void enqueueToolCalls(ToolCall... calls) {
        replies.add(new Reply(null, List.of(calls)));
    }

    /**
     * Paces every answer like a real model, independently of faults: wait {@code beforeHeaders} before the
     * response headers and {@code betweenChunks} before each stream event after the first. Zero (the default)
     * answers at once. For load tests that need requests to stay in flight.
     */
    public void latency(Duration beforeHeaders, Duration betweenChunks) {
        if (beforeHeaders.isNegative() || betweenChunks.isNegative()) {
            throw new IllegalArgumentException("latencies must be ≥ 0");
        }
        this.headerLatency = beforeHeaders;
        this.chunkLatency = betweenChunks;
    }

    /** Requires this API key (401 otherwise); {@code null} accepts any or none. */
    public void requireApiKey(String key) {
        this.apiKey = key;
    }

    /** The default length of fake embeddings when a request names no {@code dimensions} (16 unless set). */
    public void embeddingDimensions(int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be ≥ 1");
        }
        this.dimensions = dimensions;
    }

    /** Clears faults, scripts, latency, recorded requests, the request count and the key requirement. */
    public void reset() {
        headerLatency = Duration.ZERO;
        chunkLatency = Duration.ZERO;
        scripted.clear();
        replies.clear();
        standing = null;
        random = null;
        apiKey = null;
        recorded.clear();
        recordedSize.set(0);
        requests.set(0);
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- for the protocol subclasses

    int dimensions() {
        return dimensions;
    }

    Reply nextReply() {
        return replies.poll();
    }

    /** The protocol's answer to a well-formed request (after auth). */
    abstract Answer answer(RecordedRequest request);

    /** The protocol's JSON error body for {@code status}. */
    abstract String errorBody(int status, String message);

    /** The protocol's in-stream error frame. */
    abstract String streamErrorFrame(String message, boolean requestError);

    /** Whether the request carries the required key. */
    abstract boolean authorized(RecordedRequest request, String key);

    // ---- the request cycle

    private void handle(FakeHttpServer.Request raw, FakeExchange exchange) throws IOException, InterruptedException {
        RecordedRequest request = record(raw);
        Fault fault = nextFault();
        pause(headerLatency);
        switch (fault) {
            case Fault.Reset r -> {
                exchange.reset();
                return;
            }
            case Fault.DelayHeaders d -> Thread.sleep(d.delay().toMillis());
            case Fault.Status s -> {
                Map<String, String> headers = s.retryAfter() == null ? Map.of() : Map.of("Retry-After", s.retryAfter());
                String body = s.body() != null ? s.body() : errorBody(s.status(), "injected fault: status " + s.status());
                exchange.respond(s.status(), "application/json", utf8(body), headers);
                return;
            }
            case Fault.WrongContentType w -> {
                exchange.respond(200, "text/html; charset=utf-8",
                        utf8("<html><body><h1>502 Bad Gateway</h1></body></html>"), Map.of());
                return;
            }
            case null, default -> {
                // applied while writing the answer
            }
        }
        String key = apiKey;
        if (key != null && !authorized(request, key)) {
            exchange.respond(401, "application/json", utf8(errorBody(401, "invalid API key")), Map.of());
            return;
        }
        Answer answer = answer(request);
        switch (answer) {
            case Answer.Whole whole -> whole(whole, fault, exchange);
            case Answer.Events events -> events(events, fault, exchange);
        }
    }

    private static void whole(Answer.Whole answer, Fault fault, FakeExchange exchange)
            throws IOException, InterruptedException {
        byte[] body = utf8(answer.json());
        switch (fault) {
            case Fault.WrongJson w -> exchange.respond(200, "application/json", utf8("{\"id\": \"broken\", \"choices\": ["),
                    Map.of());
            case Fault.CloseMidBody c -> exchange.respondCut(answer.status(), "application/json", body, body.length / 2);
            case Fault.Truncate t -> exchange.respondCut(answer.status(), "application/json", body, body.length / 2);
            case Fault.DelayFirstToken d -> {
                Thread.sleep(d.delay().toMillis());
                exchange.respond(answer.status(), "application/json", body, Map.of());
            }
            case Fault.DelayChunks d -> exchange.respondSlowly(answer.status(), "application/json", body,
                    d.delay().toMillis());
            case null, default -> exchange.respond(answer.status(), "application/json", body, Map.of());
        }
    }

    private void events(Answer.Events answer, Fault fault, FakeExchange exchange)
            throws IOException, InterruptedException {
        List<String> frames = new ArrayList<>(answer.frames());
        int half = Math.max(1, frames.size() / 2);
        if (fault instanceof Fault.Truncate) {
            frames = frames.subList(0, frames.size() - answer.terminators());
        } else if (fault instanceof Fault.WrongJson) {
            frames.set(Math.min(answer.firstContent(), frames.size() - 1), "data: {\"choices\": [\n\n");
        }
        exchange.startChunked(200, "text/event-stream");
        for (int i = 0; i < frames.size(); i++) {
            if (fault instanceof Fault.CloseMidBody && i == half) {
                exchange.close();
                return;
            }
            if (fault instanceof Fault.MidStreamError error && i == half) {
                exchange.chunk(streamErrorFrame(error.message(), error.requestError()));
                exchange.endChunked();
                return;
            }
            if (fault instanceof Fault.DelayFirstToken d && i == answer.firstContent()) {
                Thread.sleep(d.delay().toMillis());
            }
            if (fault instanceof Fault.DelayChunks d && i > answer.firstContent()) {
                Thread.sleep(d.delay().toMillis());
            }
            if (i > 0) {
                pause(chunkLatency);
            }
            exchange.chunk(frames.get(i));
        }
        exchange.endChunked();
    }

    private static void pause(Duration latency) throws InterruptedException {
        if (!latency.isZero()) {
            Thread.sleep(latency);
        }
    }

    private Fault nextFault() {
        Fault next = scripted.poll();
        if (next != null) {
            return next;
        }
        RandomRule rule = random;
        if (rule != null && rule.random().nextDouble() < rule.rate()) {
            return rule.fault();
        }
        return standing;
    }

    private RecordedRequest record(FakeHttpServer.Request raw) {
        requests.incrementAndGet();
        if (waiters > 0) {
            arrivalLock.lock();
            try {
                arrived.signalAll();
            } finally {
                arrivalLock.unlock();
            }
        }
        String body = new String(raw.body(), StandardCharsets.UTF_8);
        JsonNode json = null;
        if (!body.isBlank()) {
            try {
                json = JSON.readTree(body);
            } catch (IOException notJson) {
                json = null;
            }
        }
        RecordedRequest request = new RecordedRequest(raw.method(), raw.path(), raw.headers(), body, json);
        int max = maxRecorded;
        if (max > 0) {
            recorded.addLast(request);
            if (recordedSize.incrementAndGet() > max && recorded.pollFirst() != null) {
                recordedSize.decrementAndGet();
            }
        }
        return request;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The path without the optional {@code /v1} prefix. */
    static String route(RecordedRequest request) {
        String path = request.path();
        return path.startsWith("/v1/") ? path.substring(3) : path;
    }
}
