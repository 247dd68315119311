package dev.baton.gateway.tracing;

import dev.baton.core.error.BatonException;
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
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The tracing layer of the gateway, outermost (around budgets and accounting, the cache, routing): one span per
 * call, current while the call runs so that the CLIENT spans of its upstream attempts nest under it. Attributes
 * follow the OpenTelemetry GenAI semantic conventions:
 * <ul>
 *   <li>name {@code chat <alias>} or {@code embeddings <alias>}; kind INTERNAL (the call is routed inside the
 *       process; each upstream attempt below it is a CLIENT span with the HTTP conventions);</li>
 *   <li>{@code gen_ai.operation.name} ({@code chat}, {@code embeddings}), {@code gen_ai.request.model} (the alias),
 *       {@code gen_ai.request.max_tokens} and {@code gen_ai.request.temperature} when set,
 *       {@code baton.stream} for streams;</li>
 *   <li>on success: {@code gen_ai.system} and {@code gen_ai.provider.name} (the provider type that answered:
 *       {@code openai}, {@code anthropic}, {@code local}, {@code cache}), {@code gen_ai.response.model} (the
 *       upstream model), {@code gen_ai.response.id}, {@code gen_ai.response.finish_reasons},
 *       {@code gen_ai.usage.input_tokens}/{@code output_tokens}, {@code baton.deployment},
 *       {@code baton.cache_hit}, {@code baton.attempts}, {@code baton.cost_usd};</li>
 *   <li>on failure: {@code error.type} (the Baton error code, e.g. {@code upstream-unavailable}) and status
 *       ERROR.</li>
 * </ul>
 * A stream's span ends when the stream ends ({@link #stream} returns or throws). Prompts and completions are
 * never recorded. Thread-safe.
 */
public final class TracedGateway implements Gateway {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("baton.deployment");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("baton.cache_hit");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("baton.attempts");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("baton.cost_usd");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("baton.stream");
    /** The instrumentation scope of gateway spans. */
    public static final String SCOPE = "dev.baton.gateway";

    private final Gateway next;
    private final Tracer tracer;

    private TracedGateway(Gateway next, OpenTelemetry openTelemetry) {
        this.next = Objects.requireNonNull(next, "next");
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    /**
     * {@code next} traced into {@code openTelemetry}; {@code next} itself when that is {@link OpenTelemetry#noop()},
     * so an untraced node pays nothing.
     */
    public static Gateway wrap(Gateway next, OpenTelemetry openTelemetry) {
        return openTelemetry == OpenTelemetry.noop() ? next : new TracedGateway(next, openTelemetry);
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        Span span = chatSpan(request, false);
        return traced(span, () -> next.chat(request, call), response -> {
            served(span, response.served(), response.usage());
            span.setAttribute(RESPONSE_ID, response.id());
            finish(span, response.finishReason());
        });
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        Span span = chatSpan(request, true);
        return traced(span, () -> next.stream(request, call, sink), result -> {
            served(span, result.served(), result.usage());
            span.setAttribute(RESPONSE_ID, result.id());
            finish(span, result.finishReason());
        });
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        Span span = tracer.spanBuilder("embeddings " + request.model())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "embeddings")
                .setAttribute(REQUEST_MODEL, request.model())
                .startSpan();
        return traced(span, () -> next.embed(request, call), response -> served(span, response.served(),
                response.usage()));
    }

    @Override
    public List<ModelInfo> models() {
        return next.models();
    }

    private Span chatSpan(ChatRequest request, boolean stream) {
        SpanBuilder builder = tracer.spanBuilder("chat " + request.model())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "chat")
                .setAttribute(REQUEST_MODEL, request.model());
        if (request.maxTokens() != null) {
            builder.setAttribute(MAX_TOKENS, request.maxTokens().longValue());
        }
        if (request.temperature() != null) {
            builder.setAttribute(TEMPERATURE, request.temperature());
        }
        if (stream) {
            builder.setAttribute(STREAM, true);
        }
        return builder.startSpan();
    }

    private static <T> T traced(Span span, Supplier<T> call, java.util.function.Consumer<T> describe) {
        try (Scope ignored = span.makeCurrent()) {
            T result = call.get();
            if (span.isRecording()) {
                describe.accept(result);
            }
            return result;
        } catch (RuntimeException | Error e) {
            span.setAttribute(ERROR_TYPE, e instanceof BatonException baton ? baton.code().code()
                    : e.getClass().getName());
            span.setStatus(StatusCode.ERROR, e.getMessage() == null ? "" : e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    private static void served(Span span, Served served, Usage usage) {
        if (usage != null) {
            span.setAttribute(INPUT_TOKENS, usage.inputTokens());
            span.setAttribute(OUTPUT_TOKENS, usage.outputTokens());
        }
        if (served == null) {
            return;
        }
        span.setAttribute(SYSTEM, served.provider());
        span.setAttribute(PROVIDER, served.provider());
        span.setAttribute(RESPONSE_MODEL, served.upstreamModel());
        span.setAttribute(DEPLOYMENT, served.deployment());
        span.setAttribute(CACHE_HIT, served.cacheHit());
        span.setAttribute(ATTEMPTS, (long) served.attempts());
        span.setAttribute(COST, served.costUsd());
    }

    private static void finish(Span span, FinishReason reason) {
        span.setAttribute(FINISH_REASONS, List.of(reason.name().toLowerCase(Locale.ROOT)));
    }
}
