package dev.baton.steps.http;

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

/**
 * The CLIENT span of one {@code http} step request (OpenTelemetry HTTP client conventions): named after the
 * method ({@code GET}, {@code POST}: URLs are the workflow author's and unbounded, so they stay out of the
 * name), with {@code http.request.method}, {@code server.address}, {@code server.port}, {@code url.full}
 * (scheme, host, port and path: the query and any user info are left out, they may hold secrets),
 * {@code http.response.status_code}, and when the request fails {@code error.type} (the status code, or the
 * Baton error code) with status ERROR, described by that type alone (never an exception message: it may hold the
 * query or the body). With tracing off every request shares one no-op instance (no allocation). Used by the one
 * thread that makes the request.
 */
final class HttpSpan {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** The span of every request while tracing is off: records nothing, propagates the current context. */
    private static final HttpSpan OFF = new HttpSpan(Span.getInvalid(), null);

    private final Span span;
    private final Context context;
    private String errorType;

    private HttpSpan(Span span, Context context) {
        this.span = span;
        this.context = context;
    }

    /** The tracer of {@code openTelemetry} for {@link #start}, or {@code null} when it is the no-op API. */
    static Tracer tracer(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracerProvider() == TracerProvider.noop() ? null
                : openTelemetry.getTracer("dev.baton.steps.http");
    }

    /** Starts the span of a request under the current span; with {@code tracer} null, the shared no-op span. */
    static HttpSpan start(Tracer tracer, String method, URI uri) {
        if (tracer == null) {
            return OFF;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        Span span = tracer.spanBuilder(method)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, method)
                .setAttribute(SERVER_ADDRESS, uri.getHost() == null ? "" : uri.getHost())
                .setAttribute(SERVER_PORT, (long) port)
                .setAttribute(URL, uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + port)
                                   + (uri.getRawPath() == null ? "" : uri.getRawPath()))
                .startSpan();
        return new HttpSpan(span, Context.current().with(span));
    }

    /** The context to propagate: this span under the current one. */
    Context context() {
        return context != null ? context : Context.current();
    }

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
     * The request failed: status ERROR described by the error type only (the HTTP status, else the Baton error
     * code or exception class). Never the exception's message: it holds the full URL with its query and a preview
     * of the response body, which may carry secrets.
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

    void end() {
        if (this != OFF) {
            span.end();
        }
    }
}
