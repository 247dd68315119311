package dev.baton.ai.testing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-process {@link Gateway} for step tests: chat answers come from a script (queued answers, then a
 * fallback function), embeddings from a function; every request and its {@link CallContext} are recorded.
 * Each chat answer costs 10 input and 5 output tokens at $0.001 per call, served by deployment
 * {@code <alias>-1}. Thread-safe.
 */
public final class ScriptedGateway implements Gateway {
    /** A recorded call. */
    public record Call(Object request, CallContext context) {
    }

    /** One scripted chat outcome: an answer text, or an error to throw. */
    public sealed interface Script {
    }

    public record Answer(String text, FinishReason finishReason) implements Script {
    }

    public record Failure(BatonException error) implements Script {
    }

    private final Map<String, ModelKind> models = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<Script> script = new ConcurrentLinkedQueue<>();
    private volatile Function<ChatRequest, Script> fallback = request -> {
        throw new AssertionError("unscripted chat call: " + request);
    };
    private volatile Function<List<String>, List<float[]>> embedder = texts -> {
        List<float[]> vectors = new ArrayList<>();
        texts.forEach(text -> vectors.add(FakeEmbeddingModel.vector(text, 8)));
        return vectors;
    };
    public final List<Call> calls = new CopyOnWriteArrayList<>();

    public ScriptedGateway model(String alias, ModelKind kind) {
        models.put(alias, kind);
        return this;
    }

    /** Queues answers, used in order by the next chat calls. */
    public ScriptedGateway answers(String... texts) {
        for (String text : texts) {
            script.add(new Answer(text, FinishReason.STOP));
        }
        return this;
    }

    public ScriptedGateway fails(BatonException error) {
        script.add(new Failure(error));
        return this;
    }

    /** What chat calls get once the queue is empty. */
    public ScriptedGateway otherwise(Function<ChatRequest, Script> answer) {
        this.fallback = answer;
        return this;
    }

    public ScriptedGateway embeddings(Function<List<String>, List<float[]>> function) {
        this.embedder = function;
        return this;
    }

    /** The chat requests received, in order. */
    public List<ChatRequest> chatRequests() {
        return calls.stream().filter(c -> c.request() instanceof ChatRequest).map(c -> (ChatRequest) c.request()).toList();
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        requireKnown(request.model(), ModelKind.CHAT);
        calls.add(new Call(request, call));
        Script next = script.poll();
        if (next == null) {
            next = fallback.apply(request);
        }
        return switch (next) {
            case Answer answer -> new ChatResponse("resp-" + calls.size(), ChatMessage.assistant(answer.text()),
                    answer.finishReason(), new Usage(10, 5, false), served(request.model(), 0.001));
            case Failure failure -> throw failure.error();
        };
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        throw new UnsupportedOperationException("steps do not stream");
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        requireKnown(request.model(), ModelKind.EMBEDDING);
        calls.add(new Call(request, call));
        return new EmbeddingResponse(embedder.apply(request.input()), new Usage(request.input().size() * 3L, 0, false),
                served(request.model(), 0));
    }

    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        models.forEach((alias, kind) -> list.add(new ModelInfo(alias, kind, List.of(alias + "-1"), List.of())));
        return list;
    }

    private void requireKnown(String alias, ModelKind kind) {
        if (models.get(alias) != kind) {
            throw BatonException.notFound("model", alias);
        }
    }

    private static Served served(String alias, double cost) {
        return new Served(alias, alias + "-1", "openai", alias + "-upstream", 1, Duration.ofMillis(3), null, cost, false);
    }
}
