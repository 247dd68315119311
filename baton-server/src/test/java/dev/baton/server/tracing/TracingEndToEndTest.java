package dev.baton.server.tracing;

import dev.baton.server.TestEgress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.observability.ObservabilityConfigReader;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real node with tracing on, exporting over OTLP/HTTP to a receiver on 127.0.0.1: a run started through the API
 * with a {@code traceparent} calls a local HTTP service ({@code http} step) and the gateway ({@code llm.chat} →
 * FakeOpenAiServer); the exported spans and the propagated headers all carry the caller's trace id.
 */
class TracingEndToEndTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACE_PARENT = "00-" + CALLER_TRACE + "-00f067aa0ba902b7-01";

    record Export(String path, String contentType, byte[] body) {}

    private final List<Export> exports = new CopyOnWriteArrayList<>();
    private final List<String> serviceTraceParents = new CopyOnWriteArrayList<>();
    private final FakeOpenAiServer upstream = new FakeOpenAiServer();
    private HttpServer receiver;
    private HttpServer service;
    private BatonNode node;
    private BatonServer server;

    @AfterEach
    void stop() {
        closeNode();
        upstream.close();
        receiver.stop(0);
        service.stop(0);
    }

    private void closeNode() {
        if (server != null) {
            server.close();
            node.close(); // flushes the spans
            server = null;
        }
    }

    private void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exports.add(new Export(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", exchange -> {
            serviceTraceParents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
        String gateway = """
                models:
                  fast:
                    deployments:
                      - {id: fake-1, provider: openai, baseUrl: "%s", model: gpt-fake}
                """.formatted(upstream.baseUrl());
        String observability = """
                tracing:
                  enabled: true
                  endpoint: http://127.0.0.1:%d/v1/traces
                  serviceName: baton-e2e
                """.formatted(receiver.getAddress().getPort());
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED).withEgress(TestEgress.LOOPBACK)
                .withGateway(GatewayConfigReader.read(YAML.readTree(gateway)))
                .withObservability(ObservabilityConfigReader.read(YAML.readTree(observability)));
        node = BatonNode.open(config);
        server = BatonServer.start(node, "127.0.0.1", 0);
    }

    @Test
    void a_run_started_with_a_traceparent_is_exported_under_that_trace_and_propagates_it() throws Exception {
        start();
        ApiClient api = new ApiClient(server.url());
        String workflow = """
                id: traced
                steps:
                  fetch:
                    uses: http
                    with: {url: "http://127.0.0.1:%d/items"}
                  ask:
                    uses: llm.chat
                    needs: [fetch]
                    with: {model: fast, prompt: "say hello"}
                """.formatted(service.getAddress().getPort());
        assertThat(api.post("/workflows", "application/yaml", workflow).status()).isEqualTo(201);
        var started = api.post("/workflows/traced/runs?wait=30s", "application/json", "{\"inputs\": {}}",
                Map.of("traceparent", TRACE_PARENT));
        assertThat(started.json().get("status").asText()).isEqualTo("succeeded");
        var untraced = api.post("/workflows/traced/runs?wait=30s", "application/json", "{\"inputs\": {}}",
                Map.of());
        String secondRunId = untraced.json().get("id").asText();

        assertThat(serviceTraceParents.getFirst()).startsWith("00-" + CALLER_TRACE + "-");
        assertThat(upstream.requests().getFirst().header("traceparent")).startsWith("00-" + CALLER_TRACE + "-");
        assertThat(serviceTraceParents.get(1)).startsWith("00-" + secondRunId.replace("-", "") + "-");

        closeNode();
        assertThat(exports).isNotEmpty().allSatisfy(export -> {
            assertThat(export.path()).isEqualTo("/v1/traces");
            assertThat(export.contentType()).isEqualTo("application/x-protobuf");
        });
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        exports.forEach(e -> all.writeBytes(e.body()));
        byte[] bytes = all.toByteArray();
        assertThat(contains(bytes, HexFormat.of().parseHex(CALLER_TRACE))).isTrue();
        assertThat(contains(bytes, HexFormat.of().parseHex(secondRunId.replace("-", "")))).isTrue();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("run traced", "step fetch", "step ask", "chat fast", "POST /v1/chat/completions",
                "POST /api/v1/workflows/{id}/runs", "baton-e2e", "gen_ai.usage.input_tokens");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
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
