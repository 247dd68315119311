package dev.baton.gateway.tracing;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.http.UpstreamHttp;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.routing.Router;
import dev.baton.gateway.testing.Fault;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.gateway.testing.RecordedRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
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

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Gateway spans over real HTTP: TracedGateway → CachingGateway → Router → OpenAiProvider → FakeOpenAiServer. */
class TracedGatewayTest {
    private static final CallContext CALLER = CallContext.direct("k1");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private OpenTelemetrySdk sdk;
    private FakeOpenAiServer upstream;
    private UpstreamHttp http;
    private OpenAiProvider provider;
    private Router router;
    private Gateway gateway;

    @BeforeEach
    void stack() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        upstream = new FakeOpenAiServer();
        http = new UpstreamHttp(InstantSource.system(), sdk);
        provider = new OpenAiProvider(Map.of(), http);
        var chat = new ModelAlias("gpt", ModelKind.CHAT, Strategy.PRIORITY,
                List.of(deployment("fake-gpt", "gpt-fake")), List.of());
        var embed = new ModelAlias("embed", ModelKind.EMBEDDING, Strategy.PRIORITY,
                List.of(deployment("fake-embed", "embed-fake")), List.of());
        var config = new GatewayConfig(Map.of("gpt", chat, "embed", embed), List.of(), RateLimits.UNLIMITED,
                Budget.NONE, RetrySettings.DEFAULT, CacheSettings.DEFAULT, HealthSettings.DEFAULT);
        router = new Router(config, Map.of("openai", provider), InstantSource.system(), new Random(7), d -> { });
        gateway = TracedGateway.wrap(new CachingGateway(router, config.cache()), sdk);
    }

    private Deployment deployment(String id, String model) {
        return new Deployment(id, "openai", upstream.baseUrl(), model, null, 1, RateLimits.UNLIMITED,
                Timeouts.DEFAULT, new Pricing(2.5, 10), BreakerSettings.DEFAULT, Map.of(), true);
    }

    @AfterEach
    void close() {
        router.close();
        http.close();
        upstream.close();
        sdk.close();
    }

    private List<SpanData> spans(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    @Test
    void a_chat_is_one_span_with_genai_attributes_over_a_client_span_whose_traceparent_reaches_the_upstream() {
        var request = new ChatRequest("gpt", List.of(ChatMessage.user("trace me please")), List.of(), null, null,
                0.2, null, 64, List.of(), null, null);
        gateway.chat(request, CALLER);

        SpanData call = spans("chat gpt").getFirst();
        assertThat(call.getKind()).isEqualTo(SpanKind.INTERNAL);
        var a = call.getAttributes();
        assertThat(a.get(TracedGateway.OPERATION)).isEqualTo("chat");
        assertThat(a.get(TracedGateway.SYSTEM)).isEqualTo("openai");
        assertThat(a.get(TracedGateway.REQUEST_MODEL)).isEqualTo("gpt");
        assertThat(a.get(TracedGateway.RESPONSE_MODEL)).isEqualTo("gpt-fake");
        assertThat(a.get(TracedGateway.INPUT_TOKENS)).isEqualTo(3L);
        assertThat(a.get(TracedGateway.OUTPUT_TOKENS)).isGreaterThan(0L);
        assertThat(a.get(TracedGateway.MAX_TOKENS)).isEqualTo(64L);
        assertThat(a.get(TracedGateway.TEMPERATURE)).isEqualTo(0.2);
        assertThat(a.get(TracedGateway.FINISH_REASONS)).containsExactly("stop");
        assertThat(a.get(TracedGateway.DEPLOYMENT)).isEqualTo("fake-gpt");
        assertThat(a.get(TracedGateway.CACHE_HIT)).isFalse();

        SpanData attempt = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(attempt.getTraceId()).isEqualTo(call.getTraceId());
        assertThat(attempt.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("baton.deployment"))).isEqualTo("fake-gpt");
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);

        RecordedRequest sent = upstream.lastRequest();
        assertThat(sent.header("traceparent")) // flags: sampled (and 02, random trace id, per W3C level 2)
                .matches("00-" + call.getTraceId() + "-" + attempt.getSpanId() + "-0[13]");
    }

    @Test
    void a_cache_hit_has_no_upstream_span() {
        var request = ChatRequest.of("gpt", List.of(ChatMessage.user("same twice")));
        gateway.chat(request, CALLER);
        gateway.chat(request, CALLER);

        List<SpanData> calls = spans("chat gpt");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).getAttributes().get(TracedGateway.CACHE_HIT)).isTrue();
        assertThat(exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)).hasSize(1);
    }

    @Test
    void a_stream_span_ends_with_the_stream_and_carries_its_usage() {
        List<String> chunks = new ArrayList<>();
        gateway.stream(ChatRequest.of("gpt", List.of(ChatMessage.user("stream this"))), CALLER,
                chunk -> chunks.add(chunk.content()));

        SpanData call = spans("chat gpt").getFirst();
        assertThat(chunks).isNotEmpty();
        assertThat(call.getAttributes().get(TracedGateway.STREAM)).isTrue();
        assertThat(call.getAttributes().get(TracedGateway.OUTPUT_TOKENS)).isGreaterThan(0L);
        SpanData attempt = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(attempt.getEndEpochNanos()).isLessThanOrEqualTo(call.getEndEpochNanos());
        assertThat(upstream.lastRequest().header("traceparent")).contains(attempt.getSpanId());
    }

    @Test
    void failed_attempts_are_client_spans_with_their_status_and_the_call_carries_the_error_type() {
        upstream.enqueue(Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503),
                Fault.status(503));
        assertThatThrownBy(() -> gateway.embed(new EmbeddingRequest("embed", List.of("x"), null, null), CALLER))
                .isInstanceOf(BatonException.class);

        SpanData call = spans("embeddings embed").getFirst();
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(TracedGateway.ERROR_TYPE)).isEqualTo("upstream-unavailable");
        List<SpanData> attempts = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertThat(attempts).hasSize(RetrySettings.DEFAULT.maxAttempts()).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).isEqualTo(call.getSpanId());
            assertThat(s.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
            assertThat(s.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
            assertThat(s.getStatus().getDescription()).isEqualTo("503");
        });
    }

    @Test
    void a_health_probe_outside_any_call_records_no_span_and_sends_no_traceparent() {
        router.probeNow();

        assertThat(upstream.requests()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("traceparent")).isNull());
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void without_tracing_the_gateway_is_not_wrapped_and_no_traceparent_is_sent() {
        Gateway plain = new CachingGateway(router, CacheSettings.DEFAULT);
        assertThat(TracedGateway.wrap(plain, OpenTelemetry.noop())).isSameAs(plain);
        try (UpstreamHttp untraced = new UpstreamHttp(InstantSource.system());
             OpenAiProvider quiet = new OpenAiProvider(Map.of(), untraced)) {
            quiet.chat(deployment("d", "m"), ChatRequest.of("m", List.of(ChatMessage.user("hi"))));
        }
        assertThat(upstream.lastRequest().header("traceparent")).isNull();
    }
}
