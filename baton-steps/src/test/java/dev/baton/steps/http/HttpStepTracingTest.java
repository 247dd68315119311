package dev.baton.steps.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The http step's CLIENT span and traceparent, against a real HTTP server on the loopback. */
class HttpStepTracingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final FakeService service = new FakeService();
    private final HttpStep step = new HttpStep(new HttpStepSettings(Duration.ofSeconds(5), Duration.ofSeconds(30),
            1024), sdk, HttpStepTest.LOOPBACK_ALLOWED);

    @AfterEach
    void close() {
        step.close();
        service.close();
        sdk.close();
    }

    @Test
    void a_request_is_a_client_span_under_the_current_span_and_sends_its_traceparent() throws Exception {
        Span attempt = sdk.getTracer("test").spanBuilder("step fetch").startSpan();
        try (Scope ignored = attempt.makeCurrent()) {
            step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \"" + service.url("/echo")
                    + "?token=secret\"}"));
        } finally {
            attempt.end();
        }
        SpanData client = exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .findFirst().orElseThrow();
        assertThat(client.getName()).isEqualTo("GET");
        assertThat(client.getParentSpanId()).isEqualTo(attempt.getSpanContext().getSpanId());
        assertThat(client.getAttributes().get(HttpSpan.STATUS)).isEqualTo(200L);
        assertThat(client.getAttributes().get(HttpSpan.SERVER_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(client.getAttributes().get(HttpSpan.URL)).endsWith("/echo").doesNotContain("secret");
        assertThat(service.last().header("traceparent"))
                .matches("00-" + client.getTraceId() + "-" + client.getSpanId() + "-0[13]");
    }

    @Test
    void a_traceparent_the_workflow_sets_is_sent_as_written() throws Exception {
        String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \"" + service.url("/echo")
                + "\", \"headers\": {\"traceparent\": \"" + own + "\"}}"));
        assertThat(service.last().header("traceparent")).isEqualTo(own);
        assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    }

    @Test
    void an_error_status_marks_the_span_failed() {
        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \""
                + service.url("/status/503") + "\"}"))).isInstanceOf(BatonException.class);
        SpanData client = exporter.getFinishedSpanItems().getFirst();
        assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(client.getAttributes().get(HttpSpan.ERROR_TYPE)).isEqualTo("503");
    }

    @Test
    void a_failed_request_span_carries_neither_the_query_nor_the_body_nor_the_message() {
        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \""
                + service.url("/status/503") + "?api_key=secret-in-query\", \"method\": \"POST\","
                + " \"body\": {\"password\": \"secret-in-body\"}}"))).isInstanceOf(BatonException.class);
        SpanData client = exporter.getFinishedSpanItems().getFirst();
        assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(client.getStatus().getDescription()).isEqualTo("503");
        client.getAttributes().forEach((key, value) -> assertThat(String.valueOf(value))
                .as(key.getKey()).doesNotContain("secret").doesNotContain("?"));
    }

    @Test
    void a_transport_failure_is_described_by_its_error_code_only() throws Exception {
        String closed = service.url("/echo").replaceFirst(":\\d+/", ":1/");
        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), JSON.readTree("{\"url\": \""
                + closed + "?token=secret\"}"))).isInstanceOf(BatonException.class);
        SpanData client = exporter.getFinishedSpanItems().getFirst();
        assertThat(client.getStatus().getDescription())
                .isEqualTo(client.getAttributes().get(HttpSpan.ERROR_TYPE)).doesNotContain("secret");
    }

    @Test
    void with_tracing_off_every_request_shares_one_no_op_span() {
        var tracer = HttpSpan.tracer(OpenTelemetry.noop());
        URI uri = URI.create("http://127.0.0.1:1/x");
        HttpSpan first = HttpSpan.start(tracer, "GET", uri);
        assertThat(HttpSpan.start(tracer, "POST", uri)).isSameAs(first);
        first.status(500);
        first.failed(new IllegalStateException("x"));
        first.end();
        assertThat(HttpSpan.tracer(sdk)).isNotNull();
    }
}
