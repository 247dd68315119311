package dev.baton.observability.tracing;

import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records the engine's runs and attempts as spans, one trace per run ({@link RunTrace}):
 * <ul>
 *   <li>{@code step <stepId>} (INTERNAL) per attempt, from its start to its end by the engine's clock, child of
 *       the run's root span; attributes {@code baton.run.id}, {@code baton.workflow.id}, {@code baton.step.id},
 *       {@code baton.step.type}, {@code baton.attempt} (1-based), {@code baton.attempt.status} (wire name), and
 *       for a failed, timed-out or cancelled attempt {@code error.type} (the error code) with status ERROR (not
 *       for a cancelled one) and the error's message as status description; an attempt cut short by the engine
 *       closing (error code {@code interrupted}: it resumes on the next start) has {@code baton.attempt.status}
 *       {@code interrupted} and no error. Its span id is derived from the run, step and attempt
 *       ({@link RunTrace#attemptSpanId}), so a resumed attempt keeps it;</li>
 *   <li>{@code run <workflowId>} (INTERNAL), the root, emitted when the run finishes with {@code createdAt} as
 *       start and {@code finishedAt} as end, its span id derived from the run id; child of the caller's span
 *       when the run has a {@code traceparent}; attributes {@code baton.run.id}, {@code baton.workflow.id},
 *       {@code baton.workflow.version}, {@code baton.run.status}, {@code baton.parent.run.id} for child runs,
 *       {@code error.type} and status ERROR for a failed or timed-out run.</li>
 * </ul>
 * {@link AttemptObservation#enter()} makes the attempt span current on the handler's thread (so gateway calls
 * and {@code http} requests nest under it and propagate its {@code traceparent}) and puts {@code traceId} and
 * {@code spanId} into the MDC; {@link AttemptObservation#traceParent()} is the attempt span's W3C
 * {@code traceparent}, which child runs belong under.
 *
 * <p>Whether a run is sampled is decided from its trace id alone ({@link RandomnessSampler}, the root sampler
 * the SDK uses too), or by its {@code traceparent}'s sampled flag, so every node and every attempt agrees. A
 * run's trace is computed once, at its first attempt on this node, and cached until it finishes. Thread-safe;
 * allocation per attempt is about one span.
 */
public final class EngineTracing implements EngineObserver {
    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("baton.run.id");
    static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("baton.workflow.id");
    static final AttributeKey<Long> WORKFLOW_VERSION = AttributeKey.longKey("baton.workflow.version");
    static final AttributeKey<String> RUN_STATUS = AttributeKey.stringKey("baton.run.status");
    static final AttributeKey<String> PARENT_RUN_ID = AttributeKey.stringKey("baton.parent.run.id");
    static final AttributeKey<String> STEP_ID = AttributeKey.stringKey("baton.step.id");
    static final AttributeKey<String> STEP_TYPE = AttributeKey.stringKey("baton.step.type");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("baton.attempt");
    static final AttributeKey<String> ATTEMPT_STATUS = AttributeKey.stringKey("baton.attempt.status");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** {@code baton.attempt.status} of an attempt cut short by the engine closing (it resumes on restart). */
    static final String INTERRUPTED = "interrupted";
    /** The instrumentation scope name of engine spans. */
    static final String SCOPE = "dev.baton.engine";

    /** Runs whose trace is kept between attempts; beyond this the cache starts over (see {@link #traceOf}). */
    static final int MAX_CACHED_RUNS = 16_384;

    private final Tracer tracer;
    private final RootSpanIds ids;
    private final RandomnessSampler sampler;
    private final ConcurrentHashMap<String, RunSpans> runs = new ConcurrentHashMap<>();

    EngineTracing(OpenTelemetry openTelemetry, RootSpanIds ids, RandomnessSampler sampler) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.ids = ids;
        this.sampler = sampler;
    }

    @Override
    public AttemptObservation attemptStarted(AttemptInfo attempt) {
        Run run = attempt.run();
        RunSpans trace = traceOf(run);
        var builder = tracer.spanBuilder("step " + attempt.stepId())
                .setParent(trace.parent())
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(attempt.startedAt())
                .setAttribute(RUN_ID, run.id())
                .setAttribute(WORKFLOW_ID, run.workflowId())
                .setAttribute(STEP_ID, attempt.stepId())
                .setAttribute(STEP_TYPE, attempt.stepType())
                .setAttribute(ATTEMPT, (long) attempt.attempt());
        Span span = ids.with(trace.trace().traceId(), trace.trace().attemptSpanId(attempt.stepId(), attempt.attempt()),
                builder::startSpan);
        return new AttemptSpan(span);
    }

    @Override
    public void runFinished(Run run) {
        RunSpans cached = runs.remove(run.id());
        RunTrace trace = cached != null ? cached.trace() : RunTrace.of(run);
        var builder = tracer.spanBuilder("run " + run.workflowId())
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(run.createdAt())
                .setAttribute(RUN_ID, run.id())
                .setAttribute(WORKFLOW_ID, run.workflowId())
                .setAttribute(WORKFLOW_VERSION, (long) run.workflowVersion())
                .setAttribute(RUN_STATUS, run.status().wireName());
        if (run.parentRunId() != null) {
            builder.setAttribute(PARENT_RUN_ID, run.parentRunId());
        }
        if (trace.remoteParent() != null) {
            builder.setParent(Context.root().with(Span.wrap(trace.remoteParent())));
        } else {
            builder.setNoParent();
        }
        Span span = ids.with(trace, builder::startSpan);
        if (run.status() == RunStatus.SUCCEEDED) {
            span.setStatus(StatusCode.OK);
        } else if (run.error() != null) {
            span.setAttribute(ERROR_TYPE, run.error().code());
            if (run.status() != RunStatus.CANCELLED) {
                span.setStatus(StatusCode.ERROR, run.error().message());
            }
        }
        Instant end = run.finishedAt() != null ? run.finishedAt() : Instant.now();
        span.end(end.isBefore(run.createdAt()) ? run.createdAt() : end);
    }

    /** How many runs' traces are cached (tests). */
    int cachedRuns() {
        return runs.size();
    }

    /**
     * The trace of {@code run}, computed at its first attempt here and kept until it finishes (one SHA-256 per
     * run, not per attempt). A run that never finishes on this node (the node closed, or another node finished
     * it) would stay: past {@link #MAX_CACHED_RUNS} the cache is cleared, which costs only a recomputation.
     */
    private RunSpans traceOf(Run run) {
        RunSpans cached = runs.get(run.id());
        if (cached != null) {
            return cached;
        }
        if (runs.size() >= MAX_CACHED_RUNS) {
            runs.clear();
        }
        RunTrace trace = RunTrace.of(run);
        RunSpans computed = new RunSpans(trace,
                Context.root().with(Span.wrap(trace.rootContext(sampled(trace)))));
        RunSpans raced = runs.putIfAbsent(run.id(), computed);
        return raced != null ? raced : computed;
    }

    /**
     * The sampling decision of a run's trace, the one the SDK's sampler (parent-based over the same
     * {@link RandomnessSampler}) takes for its root span: the caller's sampled flag, else the trace id's.
     */
    private boolean sampled(RunTrace trace) {
        return trace.remoteParent() != null ? trace.remoteParent().isSampled() : sampler.sampled(trace.traceId());
    }

    /** A run's trace and the context its attempt spans start under (the root span, not yet emitted). */
    private record RunSpans(RunTrace trace, Context parent) {
    }

    /** One attempt's span. */
    private static final class AttemptSpan implements AttemptObservation {
        private final Span span;
        private final AtomicBoolean ended = new AtomicBoolean();

        AttemptSpan(Span span) {
            this.span = span;
        }

        @Override
        public Scope enter() {
            io.opentelemetry.context.Scope current = span.makeCurrent();
            TraceMdc mdc = TraceMdc.put(span.getSpanContext());
            return () -> {
                mdc.close();
                current.close();
            };
        }

        @Override
        public String traceParent() {
            SpanContext context = span.getSpanContext();
            return context.isValid() ? RunTrace.traceParentOf(context) : null;
        }

        @Override
        public void finished(AttemptStatus status, StepError error, Instant finishedAt) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (error != null && ErrorCode.INTERRUPTED.code().equals(error.code())) {
                // the engine closed under it; it resumes on the next start: a restart, not a failure
                span.setAttribute(ATTEMPT_STATUS, INTERRUPTED);
                span.end(finishedAt);
                return;
            }
            span.setAttribute(ATTEMPT_STATUS, status.wireName());
            if (error != null) {
                span.setAttribute(ERROR_TYPE, error.code());
                if (status != AttemptStatus.CANCELLED) {
                    span.setStatus(StatusCode.ERROR, error.message());
                }
            }
            span.end(finishedAt);
        }
    }
}
