package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CLIENT span of one upstream HTTP attempt (OpenTelemetry HTTP client conventions): named
 * {@code <METHOD> <path>}, with {@code http.request.method}, {@code server.address}, {@code server.port},
 * {@code url.full} (without the query), {@code baton.deployment}, {@code http.response.status_code} and, when the
 * attempt fails, {@code error.type} (the status code, or the Baton error code for transport failures and
 * timeouts) with status ERROR. A child of the current span (the gateway call); ended once, by whoever ends the
 * exchange (a stream: when it is closed). A no-op under the no-op API. Used by the one thread
 * that makes the exchange.
 */
final class UpstreamSpan {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("baton.deployment");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Span span;
    private final Context context;
    private final AtomicBoolean ended = new AtomicBoolean();
    private boolean typed;

    private UpstreamSpan(Span span) {
        this.span = span;
        this.context = Context.current().with(span);
    }

    /**
     * Starts the span of {@code call}, under the current span. Without a current span (active health probes,
     * which run on their own schedule outside any call) nothing is recorded and nothing propagated: a probe every
     * few seconds would otherwise start a trace of its own each time.
     */
    static UpstreamSpan start(Tracer tracer, UpstreamCall call) {
        if (!Span.current().getSpanContext().isValid()) {
            return new UpstreamSpan(Span.getInvalid());
        }
        URI uri = call.uri();
        var builder = tracer.spanBuilder(call.method() + " " + (uri.getRawPath() == null ? "/" : uri.getRawPath()))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, call.method())
                .setAttribute(SERVER_ADDRESS, uri.getHost() == null ? "" : uri.getHost())
                .setAttribute(SERVER_PORT, (long) port(uri))
                .setAttribute(URL, uri.getScheme() + "://" + uri.getRawAuthority()
                                   + (uri.getRawPath() == null ? "" : uri.getRawPath()));
        if (call.deployment() != null) {
            builder.setAttribute(DEPLOYMENT, call.deployment());
        }
        return new UpstreamSpan(builder.startSpan());
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The context to propagate in the request's headers: this span under the current one. */
    Context context() {
        return context;
    }

    /** The upstream answered with {@code status}; 4xx and 5xx mark the span as failed. */
    void status(int status) {
        span.setAttribute(STATUS, (long) status);
        if (status >= 400) {
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
            typed = true;
        }
    }

    /** The attempt failed with {@code error} (an answered error status keeps its status code as type). */
    void failed(Throwable error) {
        if (!span.isRecording()) {
            return;
        }
        span.setStatus(StatusCode.ERROR, error.getMessage() == null ? "" : error.getMessage());
        if (!typed) {
            span.setAttribute(ERROR_TYPE, error instanceof BatonException baton ? baton.code().code()
                    : error.getClass().getName());
        }
    }

    /** Ends the span; later calls do nothing. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            span.end();
        }
    }
}
