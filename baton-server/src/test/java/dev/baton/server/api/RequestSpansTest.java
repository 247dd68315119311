package dev.baton.server.api;

import dev.baton.observability.tracing.TraceMdc;
import io.javalin.Javalin;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** SERVER spans of API requests on a real Javalin server on 127.0.0.1, into an in-memory exporter. */
class RequestSpansTest {
    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final List<String> mdcTraceIds = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        RequestSpans spans = new RequestSpans();
        spans.bind(sdk);
        app = Javalin.create(config -> {
            config.routes.before(spans::start);
            config.routes.after(spans::end);
            config.routes.get("/api/v1/runs/{id}", ctx -> {
                mdcTraceIds.add(String.valueOf(MDC.get(TraceMdc.TRACE_ID)));
                ctx.result("ok");
            });
            config.routes.get("/api/v1/health/live", ctx -> ctx.result("live"));
            config.routes.post("/v1/chat/completions", ctx -> ctx.status(503).result("down"));
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        sdk.close();
    }

    private int send(String method, String path, String traceParent) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (traceParent != null) {
            builder.header("traceparent", traceParent);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void a_request_continues_the_callers_traceparent_in_a_server_span_named_after_its_route() throws Exception {
        assertThat(send("GET", "/api/v1/runs/r-1", CALLER)).isEqualTo(200);

        SpanData span = exporter.getFinishedSpanItems().getFirst();
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("GET /api/v1/runs/{id}");
        assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getAttributes().get(RequestSpans.ROUTE)).isEqualTo("/api/v1/runs/{id}");
        assertThat(span.getAttributes().get(RequestSpans.PATH)).isEqualTo("/api/v1/runs/r-1");
        assertThat(span.getAttributes().get(RequestSpans.STATUS)).isEqualTo(200L);
        assertThat(mdcTraceIds).containsExactly("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void a_request_without_traceparent_starts_a_trace_and_a_5xx_is_an_error() throws Exception {
        assertThat(send("POST", "/v1/chat/completions", null)).isEqualTo(503);

        SpanData span = exporter.getFinishedSpanItems().getFirst();
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(RequestSpans.ERROR_TYPE)).isEqualTo("503");
    }

    @Test
    void health_probes_and_an_invalid_traceparent_are_handled_quietly() throws Exception {
        assertThat(send("GET", "/api/v1/health/live", CALLER)).isEqualTo(200);
        assertThat(exporter.getFinishedSpanItems()).isEmpty();

        assertThat(send("GET", "/api/v1/runs/r-2", "00-not-a-trace-01")).isEqualTo(200);
        SpanData span = exporter.getFinishedSpanItems().getFirst();
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getTraceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
