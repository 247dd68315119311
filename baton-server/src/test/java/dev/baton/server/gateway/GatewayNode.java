package dev.baton.server.gateway;

import dev.baton.server.TestEgress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeAnthropicServer;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;
import dev.baton.server.api.ApiClient.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real node (in-memory store, embedding model off) whose gateway is configured, through the {@code gateway:}
 * YAML a user writes, with deployments on a {@link FakeOpenAiServer} (aliases {@code fast}, {@code vectors}) and
 * a {@link FakeAnthropicServer} ({@code claude}); served over HTTP on 127.0.0.1. The upstreams require the API key
 * {@value #UPSTREAM_KEY}, which the configuration references as a file secret.
 */
final class GatewayNode implements AutoCloseable {
    static final String UPSTREAM_KEY = "sk-upstream-test";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final FakeOpenAiServer upstream = new FakeOpenAiServer();
    final FakeAnthropicServer anthropic = new FakeAnthropicServer();
    final BatonNode node;
    final BatonServer server;
    private final Path secrets;
    private final ApiClient client;

    /**
     * @param extra more of the {@code gateway:} section (keys, cache...), YAML at the section's indentation
     */
    GatewayNode(String extra) {
        this(extra, BatonConfig.inMemory());
    }

    /**
     * @param extra more of the {@code gateway:} section
     * @param base  the node's configuration without its gateway (store, data directory)
     */
    GatewayNode(String extra, BatonConfig base) {
        try {
            secrets = Files.createTempDirectory("baton-gateway-test");
            Path keyFile = secrets.resolve("upstream-key");
            Files.writeString(keyFile, UPSTREAM_KEY + "\n");
            upstream.requireApiKey(UPSTREAM_KEY);
            anthropic.requireApiKey(UPSTREAM_KEY);
            String yaml = """
                    models:
                      fast:
                        deployments:
                          - {id: fake-1, provider: openai, baseUrl: "%1$s", model: gpt-fake, apiKey: "file:%2$s",
                             pricing: {input: 1.0, output: 2.0}}
                      vectors:
                        kind: embedding
                        deployments:
                          - {id: fake-embed, provider: openai, baseUrl: "%1$s", model: embed-fake, apiKey: "file:%2$s"}
                      claude:
                        deployments:
                          - {id: fake-claude, provider: anthropic, baseUrl: "%4$s", model: claude-fake,
                             apiKey: "file:%2$s"}
                    retry: {maxAttempts: 1}
                    %3$s
                    """.formatted(upstream.baseUrl(), keyFile, extra, anthropic.baseUrl());
            BatonConfig config = base.withAi(BatonConfig.Ai.DISABLED).withEgress(TestEgress.LOOPBACK)
                    .withGateway(GatewayConfigReader.read(YAML.readTree(yaml)));
            node = BatonNode.open(config);
            server = BatonServer.start(node, "127.0.0.1", 0);
            client = new ApiClient(server.url());
        } catch (IOException e) {
            upstream.close();
            anthropic.close();
            throw new UncheckedIOException(e);
        }
    }

    URI url(String path) {
        return server.url().resolve(path);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET(), Map.of());
    }

    Response post(String path, String body) {
        return post(path, body, Map.of());
    }

    Response post(String path, String body, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    Response send(String method, String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(url(path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)), Map.of());
    }

    private Response send(HttpRequest.Builder builder, Map<String, String> headers) {
        return client.send(builder, headers);
    }

    @Override
    public void close() {
        try {
            server.close();
            node.close();
        } finally {
            upstream.close();
            anthropic.close();
            try (var files = Files.walk(secrets)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
