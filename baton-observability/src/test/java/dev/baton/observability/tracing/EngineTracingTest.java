package dev.baton.observability.tracing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EngineTracingTest {
    private static final Instant T0 = Instant.parse("2026-11-21T04:00:00Z");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.with(SimpleSpanProcessor.create(exporter), 1.0, "baton-test", "1.2.3",
            Duration.ofSeconds(5));
    private final EngineObserver observer = tracing.engineObserver();

    @AfterEach
    void close() {
        tracing.close();
        MDC.clear();
    }

    static Run run(String id, RunStatus status, String traceParent, StepError error, Instant finishedAt) {
        return TestRuns.run(id, "summarize", status, traceParent, error, T0, finishedAt);
    }

    @Test
    void a_run_is_one_trace_with_its_id_and_attempt_spans_under_the_derived_root() {
        String runId = UUID.randomUUID().toString();
        Run running = run(runId, RunStatus.RUNNING, null, null, null);

        AttemptObservation first = observer.attemptStarted(new AttemptInfo(running, "fetch", "http", 1,
                T0.plusMillis(10)));
        first.finished(AttemptStatus.FAILED, new StepError("upstream-unavailable", "503 from service", true),
                T0.plusMillis(20));
        AttemptObservation second = observer.attemptStarted(new AttemptInfo(running, "fetch", "http", 2,
                T0.plusMillis(30)));
        second.finished(AttemptStatus.SUCCEEDED, null, T0.plusMillis(40));
        observer.runFinished(run(runId, RunStatus.SUCCEEDED, null, null, T0.plusMillis(50)));

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(3);
        SpanData root = byName(spans, "run summarize");
        String traceId = runId.replace("-", "");
        assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(root.getSpanId()).isEqualTo(RunTrace.rootSpanIdOf(runId));
        assertThat(root.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(root.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(T0.toEpochMilli()));
        assertThat(root.getEndEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(T0.toEpochMilli() + 50));
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        assertThat(root.getAttributes().get(EngineTracing.RUN_ID)).isEqualTo(runId);
        assertThat(root.getAttributes().get(EngineTracing.RUN_STATUS)).isEqualTo("succeeded");
        assertThat(root.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey(
                "service.name"))).isEqualTo("baton-test");
        assertThat(root.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey(
                "service.version"))).isEqualTo("1.2.3");

        List<SpanData> attempts = spans.stream().filter(s -> s.getName().equals("step fetch")).toList();
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(a.getAttributes().get(EngineTracing.STEP_ID)).isEqualTo("fetch");
            assertThat(a.getAttributes().get(EngineTracing.STEP_TYPE)).isEqualTo("http");
            assertThat(a.getAttributes().get(EngineTracing.WORKFLOW_ID)).isEqualTo("summarize");
            assertThat(a.getAttributes().get(EngineTracing.RUN_ID)).isEqualTo(runId);
        });
        SpanData failed = attempts.stream().filter(a -> a.getAttributes().get(EngineTracing.ATTEMPT) == 1)
                .findFirst().orElseThrow();
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getStatus().getDescription()).isEqualTo("503 from service");
        assertThat(failed.getAttributes().get(EngineTracing.ERROR_TYPE)).isEqualTo("upstream-unavailable");
        assertThat(failed.getAttributes().get(EngineTracing.ATTEMPT_STATUS)).isEqualTo("failed");
        assertThat(failed.getEndEpochNanos() - failed.getStartEpochNanos()).isEqualTo(10_000_000L);
    }

    @Test
    void a_failed_run_has_an_error_root_span() {
        String runId = UUID.randomUUID().toString();
        observer.runFinished(run(runId, RunStatus.FAILED, null, new StepError("step-failed", "fetch failed", false),
                T0.plusSeconds(1)));
        SpanData root = exporter.getFinishedSpanItems().getFirst();
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(root.getAttributes().get(EngineTracing.ERROR_TYPE)).isEqualTo("step-failed");
        assertThat(root.getAttributes().get(EngineTracing.RUN_STATUS)).isEqualTo("failed");
    }

    @Test
    void enter_makes_the_attempt_span_current_with_its_ids_in_the_mdc_and_restores_them() {
        Run running = run(UUID.randomUUID().toString(), RunStatus.RUNNING, null, null, null);
        AttemptObservation attempt = observer.attemptStarted(new AttemptInfo(running, "ask", "llm.chat", 1, T0));
        MDC.put(TraceMdc.TRACE_ID, "outer");
        String parent = attempt.traceParent();
        try (AttemptObservation.Scope ignored = attempt.enter()) {
            Span current = Span.current();
            assertThat(RunTrace.traceParentOf(current.getSpanContext())).isEqualTo(parent);
            assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo(current.getSpanContext().getTraceId());
            assertThat(MDC.get(TraceMdc.SPAN_ID)).isEqualTo(current.getSpanContext().getSpanId());
        }
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
        assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo("outer");
        assertThat(MDC.get(TraceMdc.SPAN_ID)).isNull();
        assertThat(parent).matches("00-" + running.id().replace("-", "") + "-[0-9a-f]{16}-01");
    }

    @Test
    void a_child_run_continues_the_trace_of_the_attempt_that_started_it() {
        Run parentRun = run(UUID.randomUUID().toString(), RunStatus.RUNNING, null, null, null);
        AttemptObservation fanOut = observer.attemptStarted(new AttemptInfo(parentRun, "each", "map", 1, T0));
        String traceParent = fanOut.traceParent();
        String childId = UUID.randomUUID().toString();
        Run child = run(childId, RunStatus.RUNNING, traceParent, null, null);
        observer.attemptStarted(new AttemptInfo(child, "inner", "transform", 1, T0.plusMillis(1)))
                .finished(AttemptStatus.SUCCEEDED, null, T0.plusMillis(2));
        observer.runFinished(run(childId, RunStatus.SUCCEEDED, traceParent, null, T0.plusMillis(3)));
        fanOut.finished(AttemptStatus.SUCCEEDED, null, T0.plusMillis(4));

        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData childRoot = byName(spans, "run summarize");
        SpanData map = byName(spans, "step each");
        assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(parentRun.id().replace("-", "")));
        assertThat(childRoot.getParentSpanId()).isEqualTo(map.getSpanId());
        assertThat(byName(spans, "step inner").getParentSpanId()).isEqualTo(childRoot.getSpanId());
    }

    @Test
    void an_unsampled_traceparent_records_nothing_and_every_node_derives_the_same_ids() {
        String runId = UUID.randomUUID().toString();
        String unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        Run running = run(runId, RunStatus.RUNNING, unsampled, null, null);
        observer.attemptStarted(new AttemptInfo(running, "a", "transform", 1, T0))
                .finished(AttemptStatus.SUCCEEDED, null, T0);
        observer.runFinished(run(runId, RunStatus.SUCCEEDED, unsampled, null, T0));
        assertThat(exporter.getFinishedSpanItems()).isEmpty();

        RunTrace here = RunTrace.of(runId, unsampled);
        RunTrace elsewhere = RunTrace.of(runId, unsampled);
        assertThat(here.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(elsewhere).isEqualTo(here);
    }

    @Test
    void a_run_id_that_is_not_a_uuid_still_gets_a_valid_trace_id() {
        assertThat(RunTrace.traceIdOf("run-42")).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        assertThat(RunTrace.rootSpanIdOf("run-42")).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
        assertThat(RunTrace.remoteParentOf("00-00000000000000000000000000000000-b7ad6b7169203331-01")).isNull();
        assertThat(RunTrace.remoteParentOf("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).isNull();
        assertThat(RunTrace.remoteParentOf("not a traceparent")).isNull();
    }

    @Test
    void tracing_off_observes_nothing() {
        assertThat(Tracing.off().engineObserver()).isSameAs(EngineObserver.NONE);
        assertThat(Tracing.off().enabled()).isFalse();
    }

    private static SpanData byName(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    static final class TestRuns {
        static Run run(String id, String workflow, RunStatus status, String traceParent, StepError error,
                       Instant createdAt, Instant finishedAt) {
            return new Run(id, "default", workflow, 1, status, 0, JsonNodeFactory.instance.objectNode(), null, error,
                    null, null, null, createdAt, createdAt, finishedAt, traceParent);
        }
    }
}
