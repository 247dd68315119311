package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.observability.tracing.RunTrace;
import io.javalin.Javalin;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** How a run started by a request joins its trace, on a real Javalin server with and without request spans. */
class RunRequestTraceTest {
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER = "00-" + CALLER_TRACE + "-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final List<String> traceParents = new CopyOnWriteArrayList<>();
    private final List<String> runIds = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private Javalin app;

    private void start(boolean tracing) {
        RequestSpans spans = new RequestSpans();
        if (tracing) {
            spans.bind(sdk);
        }
        app = Javalin.create(config -> {
            config.routes.before(spans::start);
            config.routes.after(spans::end);
            config.routes.post("/api/v1/workflows/{id}/runs", ctx -> {
                String traceParent = RunRequestTrace.traceParent(ctx);
                traceParents.add(String.valueOf(traceParent));
                String id = UUID.randomUUID().toString();
                runIds.add(id);
                RunRequestTrace.started(new Run(id, "default", ctx.pathParam("id"), 1, RunStatus.QUEUED, 0,
                        JsonNodeFactory.instance.objectNode(), null, null, null, null, null, Instant.EPOCH,
                        Instant.EPOCH, null, traceParent));
                ctx.status(202);
            });
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        sdk.close();
    }

    private void post(String traceParent) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/api/v1/workflows/w/runs")).POST(HttpRequest.BodyPublishers.noBody());
        if (traceParent != null) {
            builder.header("traceparent", traceParent);
        }
        assertThat(client.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);
    }

    @Test
    void with_a_traceparent_the_run_belongs_under_the_post_span() throws Exception {
        start(true);
        post(CALLER);
        SpanData server = exporter.getFinishedSpanItems().getFirst();
        assertThat(server.getTraceId()).isEqualTo(CALLER_TRACE);
        assertThat(traceParents.getFirst()).isEqualTo("00-" + CALLER_TRACE + "-" + server.getSpanId() + "-01");
        assertThat(server.getAttributes().get(RunRequestTrace.RUN_ID)).isEqualTo(runIds.getFirst());
        assertThat(server.getLinks()).isEmpty();
    }

    @Test
    void without_a_traceparent_the_run_keeps_its_own_trace_linked_from_the_post_span() throws Exception {
        start(true);
        post(null);
        SpanData server = exporter.getFinishedSpanItems().getFirst();
        String runId = runIds.getFirst();
        assertThat(traceParents.getFirst()).isEqualTo("null");
        assertThat(server.getAttributes().get(RunRequestTrace.RUN_ID)).isEqualTo(runId);
        assertThat(server.getLinks()).singleElement().satisfies(link -> {
            assertThat(link.getSpanContext().getTraceId()).isEqualTo(runId.replace("-", ""));
            assertThat(link.getSpanContext().getSpanId()).isEqualTo(RunTrace.of(runId, null).rootSpanId());
        });
    }

    @Test
    void with_tracing_off_the_valid_header_is_passed_as_sent_and_an_invalid_one_ignored() throws Exception {
        start(false);
        post(CALLER);
        post("00-" + CALLER_TRACE.toUpperCase() + "-00f067aa0ba902b7-01");
        assertThat(traceParents).containsExactly(CALLER, "null");
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }
}
