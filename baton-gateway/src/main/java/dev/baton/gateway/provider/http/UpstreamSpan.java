package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CLIENT span of one upstream HTTP attempt (OpenTelemetry HTTP client conventions): named
 * {@code <METHOD> <path>}, with {@code http.request.method}, {@code server.address}, {@code server.port},
 * {@code url.full} (scheme, host, port and path: no query, no user info), {@code baton.deployment},
 * {@code http.response.status_code} and, when the attempt fails, {@code error.type} (the status code, or the Baton
 * error code for transport failures and timeouts) with status ERROR described by that type alone (never an
 * exception message: it may quote the upstream's body). A child of the current span (the gateway call); ended
 * once, by whoever ends the exchange (a stream: when it is closed). Under the no-op API every attempt shares one
 * no-op instance (no allocation). Used by the one thread that makes the exchange.
 */
final class UpstreamSpan {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("baton.deployment");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** The span of every attempt while tracing is off: records nothing, propagates the current context. */
    private static final UpstreamSpan OFF = new UpstreamSpan(Span.getInvalid(), null);

    private final Span span;
    private final Context context;
    private final AtomicBoolean ended = new AtomicBoolean();
    private String errorType;

    private UpstreamSpan(Span span, Context context) {
        this.span = span;
        this.context = context;
    }

    /** The tracer of {@code openTelemetry} for {@link #start}, or {@code null} when it is the no-op API. */
    static Tracer tracer(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracerProvider() == TracerProvider.noop() ? null
                : openTelemetry.getTracer("dev.baton.gateway");
    }

    /**
     * Starts the span of {@code call}, under the current span. Without a current span (active health probes,
     * which run on their own schedule outside any call) nothing is recorded and nothing propagated: a probe every
     * few seconds would otherwise start a trace of its own each time.
     */
    static UpstreamSpan start(Tracer tracer, UpstreamCall call) {
        if (tracer == null) {
            return OFF;
        }
        if (!Span.current().getSpanContext().isValid()) {
            return new UpstreamSpan(Span.getInvalid(), Context.current());
        }
        URI uri = call.uri();
        var builder = tracer.spanBuilder(call.method() + " " + (uri.getRawPath() == null ? "/" : uri.getRawPath()))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, call.method())
                .setAttribute(SERVER_ADDRESS, uri.getHost() == null ? "" : uri.getHost())
                .setAttribute(SERVER_PORT, (long) port(uri))
                .setAttribute(URL, uri.getScheme() + "://" + uri.getHost()
                                   + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                                   + (uri.getRawPath() == null ? "" : uri.getRawPath()));
        if (call.deployment() != null) {
            builder.setAttribute(DEPLOYMENT, call.deployment());
        }
        Span span = builder.startSpan();
        return new UpstreamSpan(span, Context.current().with(span));
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The context to propagate in the request's headers: this span under the current one. */
    Context context() {
        return context != null ? context : Context.current();
    }

    /** The upstream answered with {@code status}; 4xx and 5xx mark the span as failed. */
    void status(int status) {
        if (this == OFF) {
            return;
        }
        span.setAttribute(STATUS, (long) status);
        if (status >= 400) {
            errorType = Integer.toString(status);
            span.setAttribute(ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR, errorType);
        }
    }

    /**
     * The attempt failed with {@code error} (an answered error status keeps its status code as type): status
     * ERROR described by the type alone, never the exception's message (it may quote the upstream's body).
     */
    void failed(Throwable error) {
        if (this == OFF || !span.isRecording()) {
            return;
        }
        if (errorType == null) {
            errorType = error instanceof BatonException baton ? baton.code().code() : error.getClass().getName();
            span.setAttribute(ERROR_TYPE, errorType);
        }
        span.setStatus(StatusCode.ERROR, errorType);
    }

    /** Ends the span; later calls do nothing. */
    void end() {
        if (this != OFF && ended.compareAndSet(false, true)) {
            span.end();
        }
    }
}
