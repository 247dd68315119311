package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.config.Timeouts;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamSpanTest {
    private static UpstreamCall call(String uri) {
        return new UpstreamCall("POST", URI.create(uri), Map.of(), new byte[0], Timeouts.DEFAULT, "t", null, "d");
    }

    @Test
    void with_tracing_off_every_attempt_shares_one_no_op_span() {
        var tracer = UpstreamSpan.tracer(OpenTelemetry.noop());
        UpstreamSpan first = UpstreamSpan.start(tracer, call("http://127.0.0.1:1/v1/embeddings"));
        assertThat(UpstreamSpan.start(tracer, call("http://127.0.0.1:2/v1/chat"))).isSameAs(first);
        first.status(503);
        first.failed(new IllegalStateException("x"));
        first.end();
        assertThat(first.context()).isNotNull();
    }

    @Test
    void a_failure_is_described_by_its_code_and_no_attribute_holds_the_query_or_user_info() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build()) {
            Span call = sdk.getTracer("test").spanBuilder("call").startSpan();
            try (Scope ignored = call.makeCurrent()) {
                UpstreamSpan span = UpstreamSpan.start(UpstreamSpan.tracer(sdk),
                        call("https://user:secret@api.example.com/v1/chat?key=secret"));
                span.failed(new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE,
                        "upstream answered {\"secret\": true} for https://api.example.com/v1/chat?key=secret"));
                span.end();
            }
            call.end();
            SpanData attempt = exporter.getFinishedSpanItems().getFirst();
            assertThat(attempt.getStatus().getDescription()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE.code());
            attempt.getAttributes().forEach((key, value) -> assertThat(String.valueOf(value)).as(key.getKey())
                    .doesNotContain("secret"));
        }
    }
}
