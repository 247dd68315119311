package dev.baton.steps.http;

import dev.baton.core.error.BatonException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.net.URI;

/**
 * The CLIENT span of one {@code http} step request (OpenTelemetry HTTP client conventions): named after the
 * method ({@code GET}, {@code POST}: URLs are the workflow author's and unbounded, so they stay out of the
 * name), with {@code http.request.method}, {@code server.address}, {@code server.port}, {@code url.full}
 * (scheme, host, port and path: the query and any user info are left out, they may hold secrets),
 * {@code http.response.status_code}, and when the request fails {@code error.type} (the status code, or the
 * Baton error code) with status ERROR. Used by the one thread that makes the request.
 */
final class HttpSpan {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Span span;
    private final Context context;
    private boolean typed;

    private HttpSpan(Span span) {
        this.span = span;
        this.context = Context.current().with(span);
    }

    static HttpSpan start(Tracer tracer, String method, URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return new HttpSpan(tracer.spanBuilder(method)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, method)
                .setAttribute(SERVER_ADDRESS, uri.getHost() == null ? "" : uri.getHost())
                .setAttribute(SERVER_PORT, (long) port)
                .setAttribute(URL, uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + port)
                                   + (uri.getRawPath() == null ? "" : uri.getRawPath()))
                .startSpan());
    }

    /** The context to propagate: this span under the current one. */
    Context context() {
        return context;
    }

    void status(int status) {
        span.setAttribute(STATUS, (long) status);
        if (status >= 400) {
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
            typed = true;
        }
    }

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

    void end() {
        span.end();
    }
}
