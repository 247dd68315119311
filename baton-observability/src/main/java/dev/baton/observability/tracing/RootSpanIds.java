package dev.baton.observability.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;

import java.util.function.Supplier;

/**
 * The SDK's id generator, random except while {@link #with} runs on the calling thread: then the next span
 * started there gets the given ids. That is how a run's root span, emitted when the run ends, gets the span id its
 * attempt spans already named as their parent, and how an attempt span gets the span id derived from its run, step
 * and attempt number ({@link RunTrace}). Thread-safe (the override is a thread-local).
 */
final class RootSpanIds implements IdGenerator {
    private final IdGenerator random = IdGenerator.random();
    private final ThreadLocal<String> traceId = new ThreadLocal<>();
    private final ThreadLocal<String> spanId = new ThreadLocal<>();

    /** Runs {@code start} (which starts exactly one root span) with that span's ids taken from {@code trace}. */
    <T> T with(RunTrace trace, Supplier<T> start) {
        return with(trace.traceId(), trace.rootSpanId(), start);
    }

    /**
     * Runs {@code start} (which starts exactly one span) with the span id {@code span}, and the trace id
     * {@code trace} when the span is a trace root (a child takes its parent's trace id; the SDK asks for none).
     */
    <T> T with(String trace, String span, Supplier<T> start) {
        traceId.set(trace);
        spanId.set(span);
        try {
            return start.get();
        } finally {
            traceId.remove();
            spanId.remove();
        }
    }

    @Override
    public String generateSpanId() {
        String id = spanId.get();
        return id != null ? id : random.generateSpanId();
    }

    @Override
    public String generateTraceId() {
        String id = traceId.get();
        return id != null ? id : random.generateTraceId();
    }
}
