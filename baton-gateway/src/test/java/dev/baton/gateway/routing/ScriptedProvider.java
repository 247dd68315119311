package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.provider.Provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An in-process provider whose answers are scripted per deployment id: a queue of {@link Step}s is consumed one
 * per call; with the queue empty the deployment answers normally. Each call can take simulated time (the clock
 * moves on) and every call is recorded. Thread-safe.
 */
final class ScriptedProvider implements Provider {

    /** The provider type these tests configure. */
    static final String TYPE = "fake";

    /** What one call does. */
    sealed interface Step {}

    /** Throws {@code error}. */
    record Fail(BatonException error) implements Step {}

    /** Throws {@code defect}: a provider bug rather than a mapped upstream error. */
    record Crash(RuntimeException defect) implements Step {}

    /** Streams {@code chunks}, then throws {@code error} ({@code null}: ends normally). */
    record Stream(List<String> chunks, BatonException error) implements Step {}

    /** Runs {@code action} (e.g. waits on a latch), then answers normally. */
    record Block(Runnable action) implements Step {}

    /** One recorded call. */
    record Call(String deployment, String model, String kind) {}

    private final ManualClock clock;
    private final Map<String, Queue<Step>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Duration> latency = new ConcurrentHashMap<>();
    private final Map<String, BatonException> probeFailures = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> probes = new CopyOnWriteArrayList<>();
    private final Semaphore probeSignals = new Semaphore(0);
    private volatile CountDownLatch probeGate;
    private volatile Usage usage = new Usage(10, 5, false);

    ScriptedProvider(ManualClock clock) {
        this.clock = clock;
    }

    static BatonException unavailable(String message) {
        return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, message);
    }

    static BatonException rejected(String message) {
        return new BatonException(ErrorCode.UPSTREAM_REJECTED, message);
    }

    ScriptedProvider then(String deployment, Step... steps) {
        scripts.computeIfAbsent(deployment, d -> new ConcurrentLinkedQueue<>()).addAll(List.of(steps));
        return this;
    }

    ScriptedProvider failing(String deployment, int times, BatonException error) {
        for (int i = 0; i < times; i++) {
            then(deployment, new Fail(error));
        }
        return this;
    }

    ScriptedProvider latency(String deployment, Duration took) {
        latency.put(deployment, took);
        return this;
    }

    ScriptedProvider usage(Usage reported) {
        this.usage = reported;
        return this;
    }

    ScriptedProvider probeFails(String deployment, BatonException error) {
        probeFailures.put(deployment, error);
        return this;
    }

    /** Makes probes wait for {@code gate} (an interrupt ends the wait with {@code CANCELLED}). */
    ScriptedProvider probeWaits(CountDownLatch gate) {
        this.probeGate = gate;
        return this;
    }

    ScriptedProvider probeHeals(String deployment) {
        probeFailures.remove(deployment);
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<String> deploymentsCalled() {
        return calls.stream().map(Call::deployment).toList();
    }

    List<String> probed() {
        return List.copyOf(probes);
    }

    /** Waits (bounded) until {@code count} more probes have run; {@code false} when they did not in time. */
    boolean awaitProbes(int count, Duration timeout) throws InterruptedException {
        return probeSignals.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ChatResponse chat(Deployment deployment, ChatRequest request) {
        Step step = begin(deployment, request.model(), "chat");
        if (step instanceof Stream) {
            throw new IllegalStateException("a stream step was scripted for a chat call");
        }
        return new ChatResponse("resp-" + calls.size(), ChatMessage.assistant("hello from " + deployment.id()),
                FinishReason.STOP, usage, null);
    }

    @Override
    public StreamResult stream(Deployment deployment, ChatRequest request, ChunkSink sink) {
        Step step = begin(deployment, request.model(), "stream");
        List<String> chunks = step instanceof Stream s ? s.chunks() : List.of("hello ", "from ", deployment.id());
        for (String chunk : chunks) {
            sink.accept(ChatChunk.text(chunk));
        }
        if (step instanceof Stream s && s.error() != null) {
            throw s.error();
        }
        sink.accept(new ChatChunk(null, List.of(), FinishReason.STOP));
        return new StreamResult("stream-" + calls.size(), FinishReason.STOP, usage, null);
    }

    @Override
    public EmbeddingResponse embed(Deployment deployment, EmbeddingRequest request) {
        begin(deployment, request.model(), "embed");
        var vectors = new ArrayList<float[]>();
        for (int i = 0; i < request.input().size(); i++) {
            vectors.add(new float[] {i, 1});
        }
        return new EmbeddingResponse(vectors, new Usage(usage.inputTokens(), 0, false), null);
    }

    @Override
    public void probe(Deployment deployment) {
        probes.add(deployment.id());
        probeSignals.release();
        CountDownLatch gate = probeGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new BatonException(ErrorCode.CANCELLED, "probe cancelled");
            }
        }
        BatonException failure = probeFailures.get(deployment.id());
        if (failure != null) {
            throw failure;
        }
    }

    private Step begin(Deployment deployment, String model, String kind) {
        calls.add(new Call(deployment.id(), model, kind));
        Duration took = latency.get(deployment.id());
        if (took != null) {
            clock.advance(took);
        }
        Queue<Step> script = scripts.get(deployment.id());
        Step step = script == null ? null : script.poll();
        if (step instanceof Fail fail) {
            throw fail.error();
        }
        if (step instanceof Crash crash) {
            throw crash.defect();
        }
        if (step instanceof Block block) {
            block.action().run();
        }
        return step;
    }
}
