package dev.baton.observability.tracing;

import com.sun.net.httpserver.HttpServer;
import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.gateway.config.SecretRef;
import dev.baton.observability.TracingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The real exporter (OTLP/HTTP protobuf over the JDK's HttpClient) against a receiver on the loopback. */
class OtlpExportTest {
    record Received(String method, String path, String contentType, String auth, byte[] body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private URI startReceiver(int... statuses) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            int n = received.size() - 1;
            int status = n < statuses.length ? statuses[n] : 200;
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces");
    }

    @Test
    void spans_are_posted_as_protobuf_to_v1_traces_with_the_configured_headers_and_flushed_on_close()
            throws Exception {
        URI endpoint = startReceiver(503); // the first export is answered 503 and retried
        TracingSettings settings = new TracingSettings(true, endpoint, 1.0, "baton", Map.of("Authorization",
                new SecretRef("env", "OTLP_AUTH")), Duration.ofSeconds(5));
        String runId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Run run = EngineTracingTest.TestRuns.run(runId, "wf", RunStatus.RUNNING, null, null, now, null);
        try (Tracing tracing = Tracing.start(settings, Map.of("OTLP_AUTH", "Bearer planted"), "0.1.0")) {
            tracing.engineObserver().attemptStarted(new AttemptInfo(run, "a", "transform", 1, now))
                    .finished(AttemptStatus.SUCCEEDED, null, now);
            tracing.engineObserver().runFinished(EngineTracingTest.TestRuns.run(runId, "wf", RunStatus.SUCCEEDED,
                    null, null, now, now));
        }
        assertThat(received).hasSizeGreaterThanOrEqualTo(2);
        Received last = received.getLast();
        assertThat(last.method()).isEqualTo("POST");
        assertThat(last.path()).isEqualTo("/v1/traces");
        assertThat(last.contentType()).isEqualTo("application/x-protobuf");
        assertThat(last.auth()).isEqualTo("Bearer planted");
        byte[] traceId = HexFormat.of().parseHex(runId.replace("-", ""));
        assertThat(contains(last.body(), traceId)).isTrue();
        assertThat(new String(last.body(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("run wf", "step a");
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
