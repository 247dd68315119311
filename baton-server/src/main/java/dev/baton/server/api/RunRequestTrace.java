package dev.baton.server.api;

import dev.baton.core.run.Run;
import dev.baton.core.run.TraceParent;
import dev.baton.observability.tracing.RunTrace;
import io.javalin.http.Context;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * How a run started by an API request joins the request's trace ({@code POST /workflows/{id}/runs} and
 * {@code /runs/batch}):
 * <ul>
 *   <li>tracing on (the request's SERVER span of {@link RequestSpans} is current) and the caller sent a valid
 *       {@code traceparent}: the run belongs under the SERVER span (its root span is a child of the POST span, in
 *       the caller's trace);</li>
 *   <li>tracing on, no valid header: the run starts its own trace, whose id is the run id (so a run's trace is
 *       found by its id); the SERVER span gets {@code baton.run.id} (single start) and a link to the run's root
 *       span;</li>
 *   <li>tracing off: the valid header as sent (an invalid one is ignored, as the W3C asks), so a node that exports
 *       no spans still keeps its runs in the caller's trace for the nodes that do.</li>
 * </ul>
 * Stateless; runs on the request's thread.
 */
final class RunRequestTrace {
    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("baton.run.id");

    private RunRequestTrace() {
    }

    /** The {@code traceparent} to start the request's runs under, or {@code null}: see the type's description. */
    static String traceParent(Context ctx) {
        String header = ctx.header("traceparent");
        if (!TraceParent.isValid(header)) {
            return null;
        }
        SpanContext server = Span.current().getSpanContext();
        return server.isValid() ? new TraceParent(server.getTraceId(), server.getSpanId(),
                server.getTraceFlags().asHex()).toString() : header;
    }

    /**
     * Records on the request's SERVER span (if any) that it started {@code run}: {@code baton.run.id}, and a link
     * to the run's root span when the run is not under this span (no header, or an idempotent replay of a run
     * started elsewhere). The link's sampled flag is not the run's sampling decision (which the engine takes).
     */
    static void started(Run run) {
        Span span = Span.current();
        SpanContext server = span.getSpanContext();
        if (!server.isValid()) {
            return;
        }
        span.setAttribute(RUN_ID, run.id());
        TraceParent parent = TraceParent.parse(run.traceParent()).orElse(null);
        if (parent == null || !parent.parentId().equals(server.getSpanId())) {
            span.addLink(RunTrace.of(run).rootContext(false));
        }
    }
}
