package dev.baton.gateway.usage;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatChunk;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.TokenEstimate;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The outermost layer of the gateway: budgets and usage accounting around the next {@link Gateway} (the cache).
 *
 * <p>Before each call it reserves the call's worst case ({@link CallEstimate}: estimated input tokens plus
 * {@code max_tokens}, priced at the highest input and output prices among the deployments of the requested alias
 * and of its fallback aliases) against the budgets that apply ({@link BudgetLedger}); a call that would overspend
 * fails with {@code BUDGET_EXCEEDED} without reaching the next gateway. After the call the reservation is
 * replaced by the real usage and cost ({@link Served#costUsd()}), or released when the call failed.
 *
 * <p>Every call, chat, stream or embeddings, successful or not (a refused one included), gives one
 * {@link UsageRecord} to the {@link UsageRecorder}:
 * <ul>
 *   <li>principal, run, workflow and step from the {@link CallContext};</li>
 *   <li>on success, alias, deployment, provider, upstream model, cost, latency, time to first token and cache hit
 *       from {@link Served}, tokens and their {@code estimated} flag from {@link Usage};</li>
 *   <li>a cache hit records 0 tokens and 0 USD: it consumed nothing upstream (its response still shows the usage
 *       of the original answer), and budgets, which are read back from these records after a restart, must agree
 *       with what was charged live;</li>
 *   <li>on failure, 0 tokens and 0 USD, the error code, the requested alias, and deployment, provider and
 *       upstream model {@code none} (the exception does not say which deployments were tried); tokens a stream
 *       consumed before it was cut are therefore not counted.</li>
 * </ul>
 *
 * <p>Thread-safe; holds no lock while the next gateway works.
 */
public final class MeteredGateway implements Gateway {
    /** Deployment, provider and upstream model named in the record of a call that was not served. */
    public static final String NONE = "none";

    private final Gateway next;
    private final BudgetLedger ledger;
    private final UsageRecorder recorder;
    private final InstantSource clock;
    private final long defaultMaxOutputTokens;
    private final Map<String, Pricing> highestPrices;

    /** The layer with {@link CallEstimate#DEFAULT_MAX_OUTPUT_TOKENS} reserved for chats without max_tokens. */
    public MeteredGateway(Gateway next, GatewayConfig config, BudgetLedger ledger, UsageRecorder recorder,
                          InstantSource clock) {
        this(next, config, ledger, recorder, clock, CallEstimate.DEFAULT_MAX_OUTPUT_TOKENS);
    }

    /**
     * The layer.
     *
     * @param config                 the model aliases, for their prices
     * @param clock                  stamps records and times calls that failed
     * @param defaultMaxOutputTokens output tokens reserved for a chat request that sets no {@code max_tokens}
     */
    public MeteredGateway(Gateway next, GatewayConfig config, BudgetLedger ledger, UsageRecorder recorder,
                          InstantSource clock, long defaultMaxOutputTokens) {
        this.next = Objects.requireNonNull(next, "next");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (defaultMaxOutputTokens < 1) {
            throw new IllegalArgumentException("defaultMaxOutputTokens must be ≥ 1: " + defaultMaxOutputTokens);
        }
        this.defaultMaxOutputTokens = defaultMaxOutputTokens;
        this.highestPrices = highestPrices(Objects.requireNonNull(config, "config"));
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        return metered("chat", request.model(), call, () -> CallEstimate.of(request, defaultMaxOutputTokens),
                () -> next.chat(request, call), ChatResponse::served, ChatResponse::usage, () -> Usage.ZERO);
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        var delivered = new AtomicLong();
        ChunkSink counting = chunk -> {
            delivered.addAndGet(chunkChars(chunk)); // generated upstream, so paid for, even if the client is gone
            sink.accept(chunk);
        };
        // A stream cut after chunks reached the caller (upstream failure or the client leaving) still consumed
        // tokens: charged as estimated from the prompt and the characters delivered, never released for free.
        Supplier<Usage> consumed = () -> delivered.get() == 0 ? Usage.ZERO : new Usage(
                TokenEstimate.tokens(TokenEstimate.promptChars(request)), TokenEstimate.tokens(delivered.get()), true);
        return metered("chat.stream", request.model(), call, () -> CallEstimate.of(request, defaultMaxOutputTokens),
                () -> next.stream(request, call, counting), StreamResult::served, StreamResult::usage, consumed);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return metered("embeddings", request.model(), call, () -> CallEstimate.of(request),
                () -> next.embed(request, call), EmbeddingResponse::served, EmbeddingResponse::usage,
                () -> Usage.ZERO);
    }

    @Override
    public List<ModelInfo> models() {
        return next.models();
    }

    /** Reserve, call, then settle and record; or release and record the failure. */
    private <T> T metered(String operation, String alias, CallContext call, Supplier<CallEstimate> estimate,
                          Supplier<T> work, Function<T, Served> servedOf, Function<T, Usage> usageOf,
                          Supplier<Usage> consumedOnFailure) {
        Instant started = clock.instant();
        BudgetLedger.Reservation reservation;
        try {
            if (ledger.isBudgeted(call)) {
                CallEstimate worst = estimate.get();
                double worstCost = worst.costAt(highestPrices.getOrDefault(alias, Pricing.FREE));
                reservation = ledger.reserve(call, worst.totalTokens(), worstCost);
            } else {
                reservation = BudgetLedger.Reservation.NONE;
            }
        } catch (RuntimeException e) {
            recordFailure(call, operation, alias, started, e, Usage.ZERO, 0);
            throw e;
        }
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            Usage consumed = consumedOnFailure.get();
            if (consumed.totalTokens() == 0) {
                reservation.release();
                recordFailure(call, operation, alias, started, e, Usage.ZERO, 0);
            } else {
                double cost = highestPrices.getOrDefault(alias, Pricing.FREE).cost(consumed);
                reservation.settle(consumed.totalTokens(), cost);
                recordFailure(call, operation, alias, started, e, consumed, cost);
            }
            throw e;
        }
        Served served = servedOf.apply(result);
        Usage usage = usageOf.apply(result);
        Instant now = clock.instant();
        boolean hit = served != null && served.cacheHit();
        long inputTokens = hit ? 0 : usage.inputTokens();
        long outputTokens = hit ? 0 : usage.outputTokens();
        double cost = served == null ? 0 : served.costUsd();
        reservation.settle(inputTokens + outputTokens, cost);
        Duration latency = served != null ? served.latency() : nonNegative(Duration.between(started, now));
        recorder.record(new UsageRecord(now, call.principal(), call.runId(), call.workflow(), call.stepId(),
                served == null ? alias : served.alias(), served == null ? NONE : served.deployment(),
                served == null ? NONE : served.provider(), served == null ? NONE : served.upstreamModel(), operation,
                inputTokens, outputTokens, !hit && usage.estimated(), cost, latency,
                served == null ? null : served.timeToFirstToken(), hit, null, call.usageTenant(),
                call.keyId()));
        return result;
    }

    /** Records a failed call; {@code consumed} and {@code cost} are what a cut stream used before it failed. */
    private void recordFailure(CallContext call, String operation, String alias, Instant started, Throwable e,
                               Usage consumed, double cost) {
        Instant now = clock.instant();
        String code = e instanceof BatonException baton ? baton.code().code()
                : e instanceof UncheckedIOException ? ErrorCode.CANCELLED.code() : ErrorCode.INTERNAL.code();
        recorder.record(new UsageRecord(now, call.principal(), call.runId(), call.workflow(), call.stepId(), alias,
                NONE, NONE, NONE, operation, consumed.inputTokens(), consumed.outputTokens(), consumed.estimated(),
                cost, nonNegative(Duration.between(started, now)), null, false, code, call.usageTenant(),
                call.keyId()));
    }

    /** Characters of text and tool call arguments in a chunk. */
    private static long chunkChars(ChatChunk chunk) {
        long chars = chunk.content() == null ? 0 : chunk.content().length();
        for (ChatChunk.ToolCallDelta delta : chunk.toolCalls()) {
            chars += delta.arguments() == null ? 0 : delta.arguments().length();
        }
        return chars;
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /**
     * For each alias, the highest input and the highest output price among its deployments and those of the
     * aliases it can fall back to, transitively: the most any deployment that may answer charges.
     */
    private static Map<String, Pricing> highestPrices(GatewayConfig config) {
        var prices = new HashMap<String, Pricing>();
        for (String alias : config.models().keySet()) {
            double input = 0;
            double output = 0;
            var seen = new HashSet<String>();
            var pending = new ArrayDeque<String>(List.of(alias));
            while (!pending.isEmpty()) {
                ModelAlias model = config.models().get(pending.poll());
                if (model == null || !seen.add(model.name())) {
                    continue;
                }
                for (Deployment deployment : model.deployments()) {
                    input = Math.max(input, deployment.pricing().inputPerMillion());
                    output = Math.max(output, deployment.pricing().outputPerMillion());
                }
                pending.addAll(model.fallbacks());
            }
            prices.put(alias, new Pricing(input, output));
        }
        return Map.copyOf(prices);
    }
}
