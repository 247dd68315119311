package dev.baton.observability.tracing;

import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.engine.EngineObserver;
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
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records the engine's runs and attempts as spans, one trace per run ({@link RunTrace}):
 * <ul>
 *   <li>{@code step <stepId>} (INTERNAL) per attempt, from its start to its end by the engine's clock, child of
 *       the run's root span; attributes {@code baton.run.id}, {@code baton.workflow.id}, {@code baton.step.id},
 *       {@code baton.step.type}, {@code baton.attempt} (1-based), {@code baton.attempt.status} (wire name), and
 *       for a failed, timed-out or cancelled attempt {@code error.type} (the error code) with status ERROR (not
 *       for a cancelled one) and the error's message as status description;</li>
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
 * <p>Whether a run is sampled is decided from its trace id alone (the ratio sampler is deterministic), or by
 * its {@code traceparent}'s sampled flag, so every node and every attempt agrees. Thread-safe; allocation per
 * attempt is one span.
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
    /** The instrumentation scope name of engine spans. */
    static final String SCOPE = "dev.baton.engine";

    private final Tracer tracer;
    private final RootSpanIds ids;
    private final Sampler ratio;

    EngineTracing(OpenTelemetry openTelemetry, RootSpanIds ids, double sampleRatio) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.ids = ids;
        this.ratio = Sampler.traceIdRatioBased(sampleRatio);
    }

    @Override
    public AttemptObservation attemptStarted(AttemptInfo attempt) {
        Run run = attempt.run();
        RunTrace trace = RunTrace.of(run);
        Context parent = Context.root().with(Span.wrap(trace.rootContext(sampled(trace))));
        Span span = tracer.spanBuilder("step " + attempt.stepId())
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(attempt.startedAt())
                .setAttribute(RUN_ID, run.id())
                .setAttribute(WORKFLOW_ID, run.workflowId())
                .setAttribute(STEP_ID, attempt.stepId())
                .setAttribute(STEP_TYPE, attempt.stepType())
                .setAttribute(ATTEMPT, (long) attempt.attempt())
                .startSpan();
        return new AttemptSpan(span);
    }

    @Override
    public void runFinished(Run run) {
        RunTrace trace = RunTrace.of(run);
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

    /** The sampling decision of a run's trace, as the SDK's parent-based ratio sampler takes it for the root. */
    private boolean sampled(RunTrace trace) {
        if (trace.remoteParent() != null) {
            return trace.remoteParent().isSampled();
        }
        return ratio.shouldSample(Context.root(), trace.traceId(), "", SpanKind.INTERNAL,
                io.opentelemetry.api.common.Attributes.empty(), List.of()).getDecision()
               == SamplingDecision.RECORD_AND_SAMPLE;
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
            return context.isValid() ? RunTrace.format(context) : null;
        }

        @Override
        public void finished(AttemptStatus status, StepError error, Instant finishedAt) {
            if (!ended.compareAndSet(false, true)) {
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
