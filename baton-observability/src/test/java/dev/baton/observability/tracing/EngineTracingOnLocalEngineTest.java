package dev.baton.observability.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** EngineTracing observing a real LocalEngine: a parent run and the child run of its workflow step. */
class EngineTracingOnLocalEngineTest {
    private static final WorkflowParser PARSER = new WorkflowParser();

    /** Records the span current on the handler's thread and the MDC's trace id. */
    static final class Probe implements StepHandler {
        final List<String> currentSpans = new CopyOnWriteArrayList<>();
        final List<String> mdcTraceIds = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "probe";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of());
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) {
            currentSpans.add(Span.current().getSpanContext().getSpanId());
            mdcTraceIds.add(String.valueOf(MDC.get(TraceMdc.TRACE_ID)));
            return JsonNodeFactory.instance.objectNode().put("ok", true);
        }
    }

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.with(SimpleSpanProcessor.create(exporter), 1.0, "baton", null,
            Duration.ofSeconds(5));
    private final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    private final Probe probe = new Probe();
    private final LocalEngine engine = LocalEngine.builder(new InMemoryRunStore(),
                    (tenant, id, version) -> {
                        Workflow workflow = workflows.get(id);
                        if (workflow == null) {
                            throw BatonException.notFound("workflow", id);
                        }
                        return workflow;
                    }, StepRegistry.of(List.of(probe)))
            .observer(tracing.engineObserver())
            .build();

    @AfterEach
    void close() {
        engine.close();
        tracing.close();
    }

    private void register(String yaml) {
        Workflow workflow = PARSER.parse(yaml, "test.yaml").withVersion(1);
        workflows.put(workflow.id(), workflow);
    }

    /** Waits (up to 10 s) for a span: the engine tells observers after it completes the run's future. */
    private void awaitSpan(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (exporter.getFinishedSpanItems().stream().noneMatch(s -> s.getName().equals(name))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems());
            }
            Thread.onSpinWait();
        }
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    @Test
    void a_real_run_and_its_child_run_form_one_trace_with_the_attempt_span_current_in_handlers() {
        register("""
                id: child
                steps:
                  inner: {uses: probe}
                """);
        register("""
                id: parent
                steps:
                  first: {uses: probe}
                  sub:
                    uses: workflow
                    needs: [first]
                    with: {workflow: child, inputs: {}}
                """);
        Run run = engine.start(StartRequest.of("default", "parent", JsonNodeFactory.instance.objectNode()));
        RunView done = engine.completion("default", run.id()).join();
        assertThat(done.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        awaitSpan("run parent");

        List<SpanData> spans = exporter.getFinishedSpanItems();
        String traceId = run.id().replace("-", "");
        assertThat(spans).isNotEmpty().allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));
        SpanData root = named(spans, "run parent");
        SpanData first = named(spans, "step first");
        SpanData sub = named(spans, "step sub");
        SpanData childRoot = named(spans, "run child");
        SpanData inner = named(spans, "step inner");
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(first.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(sub.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(childRoot.getParentSpanId()).isEqualTo(sub.getSpanId());
        assertThat(inner.getParentSpanId()).isEqualTo(childRoot.getSpanId());
        assertThat(childRoot.getAttributes().get(EngineTracing.PARENT_RUN_ID)).isEqualTo(run.id());
        assertThat(probe.currentSpans).containsExactlyInAnyOrder(first.getSpanId(), inner.getSpanId());
        assertThat(probe.mdcTraceIds).containsOnly(traceId);
    }

    @Test
    void a_run_started_with_a_traceparent_belongs_to_the_callers_trace() {
        register("""
                id: solo
                steps:
                  only: {uses: probe}
                """);
        String caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Run run = engine.start(StartRequest.of("default", "solo", JsonNodeFactory.instance.objectNode())
                .withTraceParent(caller));
        engine.completion("default", run.id()).join();
        awaitSpan("run solo");

        SpanData root = named(exporter.getFinishedSpanItems(), "run solo");
        assertThat(root.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(root.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(named(exporter.getFinishedSpanItems(), "step only").getParentSpanId())
                .isEqualTo(root.getSpanId());
    }
}
