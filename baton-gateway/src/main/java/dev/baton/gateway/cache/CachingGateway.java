package dev.baton.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.CacheSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exact-match response cache in front of the next {@link Gateway} (the router).
 *
 * <ul>
 *   <li>Non-streamed chat: looked up by {@link RequestKeys#chat}; on a miss the next gateway answers and the
 *       response is stored when it is complete (finish reason {@code STOP} or {@code TOOL_CALLS}); an answer cut
 *       at {@code max_tokens} or withheld by a content filter is returned but not stored, so a retry asks
 *       again.</li>
 *   <li>Embeddings: each input text is looked up by {@link RequestKeys#embedding} (alias, dimensions, text); only
 *       the distinct missing texts go upstream, in one request, and the answer is assembled in input order. The
 *       returned usage is that of the upstream request ({@link Usage#ZERO} when every text was a hit): the
 *       tokens actually consumed.</li>
 *   <li>Streams are passed through and never cached.</li>
 *   <li>A call with {@link CallContext#useCache()} {@code false} ({@code Cache-Control: no-cache}) neither looks
 *       up nor stores. With {@link CacheSettings#enabled()} {@code false} every call passes through.</li>
 *   <li>Failures are never stored: an exception of the next gateway propagates unchanged.</li>
 * </ul>
 *
 * <p>A hit is returned with {@code Served(alias, "cache", "cache", upstreamModel, 0, lookup latency, null, 0.0,
 * true)}, where alias and upstream model are those of the call that filled the entry; a chat hit keeps the
 * stored response's id, message and usage (what the answer originally took, which OpenAI clients expect in the
 * body; the accounting layer charges nothing for a hit).
 *
 * <p>Entries expire {@link CacheSettings#ttl()} after they were written; at most {@link CacheSettings#maxEntries()}
 * are kept (chat responses and embedding vectors count alike), the least valuable going first (Caffeine's
 * W-TinyLFU). Cache maintenance runs on the calling thread. Two identical requests that miss at the same time
 * both go upstream (no request coalescing: holding one caller until another's upstream call returns would tie
 * their latencies and failures together).
 *
 * <p>Thread-safe.
 */
public final class CachingGateway implements Gateway {
    /** Deployment and provider named in {@link Served} for an answer from the cache. */
    public static final String CACHE = "cache";

    private final Gateway next;
    private final CacheSettings settings;
    private final Ticker ticker;
    private final Cache<String, Entry> entries;

    /** The cache over {@code next} with the system ticker. */
    public CachingGateway(Gateway next, CacheSettings settings) {
        this(next, settings, Ticker.systemTicker());
    }

    /**
     * The cache over {@code next}.
     *
     * @param ticker nanosecond time source for expiry and lookup latency (a fake one in tests)
     */
    public CachingGateway(Gateway next, CacheSettings settings, Ticker ticker) {
        this.next = Objects.requireNonNull(next, "next");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(settings.ttl())
                .maximumSize(settings.maxEntries())
                .ticker(ticker)
                .executor(Runnable::run)
                .recordStats()
                .build();
    }

    /** A stored answer. */
    private sealed interface Entry {
        /** A whole chat completion as the next gateway returned it. */
        record Chat(ChatResponse response) implements Entry {}

        /** One text's vector and where it was computed. */
        record Vector(float[] vector, String alias, String upstreamModel) implements Entry {}
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        if (!settings.enabled() || !call.useCache()) {
            return next.chat(request, call);
        }
        long started = ticker.read();
        String key = RequestKeys.chat(call.usageTenant(), request);
        if (entries.getIfPresent(key) instanceof Entry.Chat(ChatResponse stored)) {
            Served original = stored.served();
            String alias = original == null ? request.model() : original.alias();
            String upstreamModel = original == null ? request.model() : original.upstreamModel();
            return stored.withServed(hit(alias, upstreamModel, started));
        }
        ChatResponse response = next.chat(request, call);
        if (complete(response)) {
            entries.put(key, new Entry.Chat(response));
        }
        return response;
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        return next.stream(request, call, sink);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        if (!settings.enabled() || !call.useCache()) {
            return next.embed(request, call);
        }
        long started = ticker.read();
        List<String> input = request.input();
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < input.size(); i++) {
            positions.computeIfAbsent(input.get(i), text -> new ArrayList<>()).add(i);
        }
        float[][] vectors = new float[input.size()][];
        Entry.Vector anyHit = null;
        List<String> missing = new ArrayList<>();
        for (var text : positions.entrySet()) {
            String key = RequestKeys.embedding(call.usageTenant(), request.model(), request.dimensions(),
                    text.getKey());
            if (entries.getIfPresent(key) instanceof Entry.Vector hit) {
                anyHit = hit;
                text.getValue().forEach(i -> vectors[i] = hit.vector());
            } else {
                missing.add(text.getKey());
            }
        }
        if (missing.isEmpty()) {
            return new EmbeddingResponse(List.of(vectors), Usage.ZERO,
                    hit(anyHit.alias(), anyHit.upstreamModel(), started));
        }
        EmbeddingResponse fresh = next.embed(request.withInput(missing), call);
        if (fresh.vectors().size() != missing.size()) {
            throw new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, "embeddings of model " + request.model()
                    + ": asked for " + missing.size() + " vectors, got " + fresh.vectors().size());
        }
        Served served = fresh.served();
        String alias = served == null ? request.model() : served.alias();
        String upstreamModel = served == null ? request.model() : served.upstreamModel();
        for (int m = 0; m < missing.size(); m++) {
            String text = missing.get(m);
            float[] vector = fresh.vectors().get(m);
            entries.put(RequestKeys.embedding(call.usageTenant(), request.model(), request.dimensions(), text),
                    new Entry.Vector(vector, alias, upstreamModel));
            positions.get(text).forEach(i -> vectors[i] = vector);
        }
        return new EmbeddingResponse(List.of(vectors), fresh.usage(), served);
    }

    @Override
    public List<ModelInfo> models() {
        return next.models();
    }

    /** Hit, miss and eviction counters since creation. */
    public CacheStats stats() {
        var stats = entries.stats();
        return new CacheStats(stats.hitCount(), stats.missCount(), stats.evictionCount(), entries.estimatedSize());
    }

    /** Drops every entry (an operator's "flush cache"); counters are kept. */
    public void invalidateAll() {
        entries.invalidateAll();
    }

    /** Runs pending expiry and eviction now (Caffeine otherwise does it as a side effect of later calls). */
    public void cleanUp() {
        entries.cleanUp();
    }

    private Served hit(String alias, String upstreamModel, long startedNanos) {
        Duration lookup = Duration.ofNanos(Math.max(0, ticker.read() - startedNanos));
        return new Served(alias, CACHE, CACHE, upstreamModel, 0, lookup, null, 0.0, true);
    }

    /** Whether an answer is worth replaying: the model finished it (not cut by a limit or a filter). */
    private static boolean complete(ChatResponse response) {
        return response.finishReason() == FinishReason.STOP || response.finishReason() == FinishReason.TOOL_CALLS;
    }
}
