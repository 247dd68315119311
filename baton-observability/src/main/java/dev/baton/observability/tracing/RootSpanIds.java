package dev.baton.observability.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;

import java.util.function.Supplier;

/**
 * The SDK's id generator, random except while {@link #with} runs on the calling thread: then the next span
 * started there gets the given trace and span ids. That is how a run's root span, emitted when the run ends, gets
 * the span id its attempt spans already named as their parent ({@link RunTrace}). Thread-safe (the override is a
 * thread-local).
 */
final class RootSpanIds implements IdGenerator {
    private final IdGenerator random = IdGenerator.random();
    private final ThreadLocal<RunTrace> override = new ThreadLocal<>();

    /** Runs {@code start} (which starts exactly one span) with that span's ids taken from {@code trace}. */
    <T> T with(RunTrace trace, Supplier<T> start) {
        override.set(trace);
        try {
            return start.get();
        } finally {
            override.remove();
        }
    }

    @Override
    public String generateSpanId() {
        RunTrace trace = override.get();
        return trace != null ? trace.rootSpanId() : random.generateSpanId();
    }

    @Override
    public String generateTraceId() {
        RunTrace trace = override.get();
        return trace != null ? trace.traceId() : random.generateTraceId();
    }
}
