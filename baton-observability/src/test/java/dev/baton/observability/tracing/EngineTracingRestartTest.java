package dev.baton.observability.tracing;

import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EngineTracingRestartTest {
    private static final Instant T0 = Instant.parse("2026-11-21T04:00:00Z");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.with(SimpleSpanProcessor.create(exporter), 1.0, "baton-test", null,
            Duration.ofSeconds(5));
    private final EngineObserver observer = tracing.engineObserver();

    @AfterEach
    void close() {
        tracing.close();
    }

    @Test
    void an_attempt_interrupted_by_the_engine_closing_is_not_an_error() {
        Run running = EngineTracingTest.run(UUID.randomUUID().toString(), RunStatus.RUNNING, null, null, null);
        observer.attemptStarted(new AttemptInfo(running, "embed", "embed", 1, T0))
                .finished(AttemptStatus.FAILED, new StepError("interrupted",
                        "attempt 1 of step 'embed' was interrupted: the engine closed", true), T0.plusMillis(5));

        SpanData span = exporter.getFinishedSpanItems().getFirst();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().get(EngineTracing.ATTEMPT_STATUS)).isEqualTo("interrupted");
        assertThat(span.getAttributes().get(EngineTracing.ERROR_TYPE)).isNull();
    }

    @Test
    void a_resumed_attempt_keeps_its_span_id_so_child_runs_stay_linked() {
        String runId = UUID.randomUUID().toString();
        Run running = EngineTracingTest.run(runId, RunStatus.RUNNING, null, null, null);
        AttemptObservation before = observer.attemptStarted(new AttemptInfo(running, "each", "map", 1, T0));
        String childTraceParent = before.traceParent();
        before.finished(AttemptStatus.FAILED, new StepError("interrupted", "engine closed", true), T0);

        // another node (or this one after a restart) resumes the same attempt
        try (Tracing restarted = Tracing.with(SimpleSpanProcessor.create(exporter), 1.0, "baton-test", null,
                Duration.ofSeconds(5))) {
            AttemptObservation after = restarted.engineObserver().attemptStarted(new AttemptInfo(running, "each",
                    "map", 1, T0.plusSeconds(1)));
            assertThat(after.traceParent()).isEqualTo(childTraceParent);
            AttemptObservation other = restarted.engineObserver().attemptStarted(new AttemptInfo(running, "each",
                    "map", 2, T0.plusSeconds(1)));
            assertThat(other.traceParent()).isNotEqualTo(childTraceParent);
            AttemptObservation otherStep = restarted.engineObserver().attemptStarted(new AttemptInfo(running,
                    "other", "map", 1, T0.plusSeconds(1)));
            assertThat(otherStep.traceParent()).isNotEqualTo(childTraceParent);
        }
    }

    @Test
    void a_runs_trace_is_cached_while_it_runs_and_dropped_when_it_finishes() {
        EngineTracing engine = (EngineTracing) observer;
        String runId = UUID.randomUUID().toString();
        Run running = EngineTracingTest.run(runId, RunStatus.RUNNING, null, null, null);
        engine.attemptStarted(new AttemptInfo(running, "a", "transform", 1, T0)).finished(AttemptStatus.SUCCEEDED,
                null, T0);
        engine.attemptStarted(new AttemptInfo(running, "b", "transform", 1, T0)).finished(AttemptStatus.SUCCEEDED,
                null, T0);
        assertThat(engine.cachedRuns()).isEqualTo(1);
        engine.runFinished(EngineTracingTest.run(runId, RunStatus.SUCCEEDED, null, null, T0.plusSeconds(1)));
        assertThat(engine.cachedRuns()).isZero();
        assertThat(exporter.getFinishedSpanItems()).hasSize(3)
                .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(runId.replace("-", "")));
    }
}
