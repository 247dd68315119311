package dev.baton.server.api;

import dev.baton.observability.tracing.TraceMdc;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.Locale;

/**
 * A SERVER span per request to the REST API ({@code /api/v1/...}, health probes excepted: they come every few
 * seconds and say nothing) and the OpenAI-compatible API ({@code /v1/...}), continuing the caller's W3C
 * {@code traceparent} when it sends one (an invalid one starts a new trace, as the W3C says). Conventions of
 * OpenTelemetry's HTTP server spans: named {@code <METHOD> <route>} (e.g. {@code POST /api/v1/workflows/{id}/runs},
 * just the method when no route matched), with {@code http.request.method}, {@code http.route}, {@code url.path},
 * {@code http.response.status_code}, and for a 5xx answer {@code error.type} (the status) with status ERROR. The
 * span is current while the request is handled (gateway calls of {@code /v1} nest under it) and its ids are in
 * the MDC ({@code traceId}, {@code spanId}) for the request's log lines.
 *
 * <p>Until the node is open, and whenever tracing is off, {@link #start} does nothing (one volatile read).
 * Thread-safe; {@link #start} and {@link #end} run on the request's thread (Javalin's before and after handlers).
 */
final class RequestSpans {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final String ATTRIBUTE = "baton.requestSpan";
    private static final TextMapGetter<Context> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Context ctx) {
            return ctx.headerMap().keySet();
        }

        @Override
        public String get(Context ctx, String key) {
            return ctx == null ? null : ctx.header(key);
        }
    };

    private record Active(Span span, Scope scope, TraceMdc mdc) {}

    private record Instruments(Tracer tracer, TextMapPropagator propagator) {}

    private volatile Instruments instruments;

    /** Starts tracing requests into {@code openTelemetry} (nothing when it is the no-op instance). */
    void bind(OpenTelemetry openTelemetry) {
        instruments = openTelemetry == OpenTelemetry.noop() ? null : new Instruments(
                openTelemetry.getTracer("dev.baton.server"), openTelemetry.getPropagators().getTextMapPropagator());
    }

    /** Javalin before-handler: starts the request's span and makes it current. */
    void start(Context ctx) {
        Instruments active = instruments;
        if (active == null || !traced(ctx.path())) {
            return;
        }
        String method = ctx.method().name().toUpperCase(Locale.ROOT);
        io.opentelemetry.context.Context parent = active.propagator().extract(
                io.opentelemetry.context.Context.root(), ctx, HEADERS);
        Span span = active.tracer().spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method)
                .setAttribute(PATH, ctx.path())
                .startSpan();
        Scope scope = span.makeCurrent();
        ctx.attribute(ATTRIBUTE, new Active(span, scope, TraceMdc.put(span.getSpanContext())));
    }

    /** Javalin after-handler: names the span after the matched route, records the status and ends it. */
    void end(Context ctx) {
        Active active = ctx.attribute(ATTRIBUTE);
        if (active == null) {
            return;
        }
        ctx.attribute(ATTRIBUTE, null);
        Span span = active.span();
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            String method = ctx.method().name().toUpperCase(Locale.ROOT);
            if (endpoint != null) {
                span.updateName(method + " " + endpoint.path);
                span.setAttribute(ROUTE, endpoint.path);
            }
            int status = ctx.statusCode();
            span.setAttribute(STATUS, (long) status);
            if (status >= 500) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        } finally {
            active.mdc().close();
            active.scope().close();
            span.end();
        }
    }

    private static boolean traced(String path) {
        return path.startsWith(ApiRoutes.BASE + "/") && !path.startsWith(ApiRoutes.BASE + "/health")
               || path.startsWith("/v1/");
    }
}
