package dev.baton.gateway.usage;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatChunk;
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
import dev.baton.gateway.config.Pricing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for the router: answers every call itself, records the requests it got, and can be told
 * to fail or to hold calls until released. Its answers are served by deployment {@code fake-1} of provider
 * {@code fake} (upstream model {@code fake-model}) at the configured prices.
 */
public final class FakeGateway implements Gateway {
    public final List<ChatRequest> chats = new CopyOnWriteArrayList<>();
    public final List<ChatRequest> streams = new CopyOnWriteArrayList<>();
    public final List<EmbeddingRequest> embeddings = new CopyOnWriteArrayList<>();
    public final AtomicInteger entered = new AtomicInteger();
    /** Run by every call as it enters the fake, before it waits or fails. */
    public volatile Runnable onEnter = () -> { };

    private final Pricing pricing;
    private volatile Usage chatUsage = new Usage(10, 5, false);
    private volatile FinishReason finishReason = FinishReason.STOP;
    private volatile RuntimeException failure;
    private volatile CountDownLatch gate;
    private final AtomicInteger answers = new AtomicInteger();

    public FakeGateway(Pricing pricing) {
        this.pricing = pricing;
    }

    public FakeGateway() {
        this(Pricing.FREE);
    }

    /** Every later call reports this usage (chat and stream). */
    public FakeGateway reporting(Usage usage) {
        this.chatUsage = usage;
        return this;
    }

    /** Every later chat answer ends for this reason. */
    public FakeGateway finishing(FinishReason reason) {
        this.finishReason = reason;
        return this;
    }

    /** Every later call throws {@code error} (null: answer again). */
    public FakeGateway failingWith(RuntimeException error) {
        this.failure = error;
        return this;
    }

    /** Later calls wait inside the fake until {@link #release()}. */
    public FakeGateway holding() {
        this.gate = new CountDownLatch(1);
        return this;
    }

    public void release() {
        gate.countDown();
    }

    /** The number of calls that reached this fake. */
    public int calls() {
        return chats.size() + streams.size() + embeddings.size();
    }

    private void enter() {
        entered.incrementAndGet();
        onEnter.run();
        CountDownLatch waitFor = gate;
        if (waitFor != null) {
            try {
                waitFor.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        RuntimeException error = failure;
        if (error != null) {
            throw error;
        }
    }

    private Served served(String alias, Usage usage, Duration ttft) {
        return new Served(alias, "fake-1", "fake", "fake-model", 1, Duration.ofMillis(42), ttft, pricing.cost(usage),
                false);
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        chats.add(request);
        enter();
        Usage usage = chatUsage;
        String last = request.messages().getLast().content();
        return new ChatResponse("resp-" + answers.incrementAndGet(), ChatMessage.assistant("answer to " + last),
                finishReason, usage, served(request.model(), usage, null));
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        streams.add(request);
        enter();
        sink.accept(ChatChunk.text("answer "));
        sink.accept(new ChatChunk("streamed", List.of(), FinishReason.STOP));
        Usage usage = chatUsage;
        return new StreamResult("stream-" + answers.incrementAndGet(), FinishReason.STOP, usage,
                served(request.model(), usage, Duration.ofMillis(7)));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        embeddings.add(request);
        enter();
        List<float[]> vectors = new ArrayList<>();
        long chars = 0;
        for (String text : request.input()) {
            vectors.add(vectorOf(text));
            chars += text.length();
        }
        Usage usage = new Usage(chars, 0, false);
        return new EmbeddingResponse(vectors, usage, served(request.model(), usage, null));
    }

    /** The vector this fake gives {@code text}: its length and first character. */
    public static float[] vectorOf(String text) {
        return new float[] {text.length(), text.charAt(0)};
    }

    @Override
    public List<ModelInfo> models() {
        return List.of(new ModelInfo("fake", ModelKind.CHAT, List.of("fake-1"), List.of()));
    }

    /** A throwable that is a BatonException, for fluent use. */
    public static BatonException error(dev.baton.core.error.ErrorCode code) {
        return new BatonException(code, "fake failure " + code.code());
    }
}
