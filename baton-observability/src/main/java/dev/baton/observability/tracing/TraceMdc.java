package dev.baton.observability.tracing;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts a span's ids into the SLF4J MDC as {@code traceId} and {@code spanId} (the log fields of
 * docs/operations.md) and restores what was there before on {@link #close()}. Use on one thread, in
 * try-with-resources.
 */
public final class TraceMdc implements AutoCloseable {
    /** MDC key of the current trace id (32 hex digits). */
    public static final String TRACE_ID = "traceId";
    /** MDC key of the current span id (16 hex digits). */
    public static final String SPAN_ID = "spanId";

    private static final TraceMdc NONE = new TraceMdc(false, null, null);

    private final boolean active;
    private final String previousTrace;
    private final String previousSpan;

    private TraceMdc(boolean active, String previousTrace, String previousSpan) {
        this.active = active;
        this.previousTrace = previousTrace;
        this.previousSpan = previousSpan;
    }

    /** Puts {@code context}'s ids (when valid; else changes nothing) until {@link #close()}. */
    public static TraceMdc put(SpanContext context) {
        if (!context.isValid()) {
            return NONE;
        }
        TraceMdc mdc = new TraceMdc(true, MDC.get(TRACE_ID), MDC.get(SPAN_ID));
        MDC.put(TRACE_ID, context.getTraceId());
        MDC.put(SPAN_ID, context.getSpanId());
        return mdc;
    }

    @Override
    public void close() {
        if (!active) {
            return;
        }
        restore(TRACE_ID, previousTrace);
        restore(SPAN_ID, previousSpan);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
