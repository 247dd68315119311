package dev.baton.steps.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
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
            1024), sdk);

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
}
