package dev.baton.server.logging;

import dev.baton.server.TestEgress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

/**
 * A real node over HTTP (memory store, model off) whose gateway has one chat alias {@code fast} on a
 * {@link FakeOpenAiServer} that requires the planted upstream key, and one client key: both secrets are unique
 * per instance, read from files the way a user mounts them ({@code file:} references), and have no recognisable
 * shape, so only the product's own care keeps them out of its output.
 */
final class SecretNode implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final String upstreamKey = "planted-upstream-" + UUID.randomUUID();
    final String clientKey = "planted-client-" + UUID.randomUUID();
    final FakeOpenAiServer upstream = new FakeOpenAiServer();
    final BatonNode node;
    final BatonServer server;
    final ApiClient api;
    private final Path secrets;

    SecretNode() {
        this("{windowSize: 50, minimumCalls: 50}");
    }

    /**
     * @param breaker the deployment's {@code breaker:} settings, as YAML flow mapping
     */
    SecretNode(String breaker) {
        try {
            secrets = Files.createTempDirectory("baton-secret-test");
            Path upstreamFile = Files.writeString(secrets.resolve("upstream"), upstreamKey + "\n");
            Path clientFile = Files.writeString(secrets.resolve("client"), clientKey);
            upstream.requireApiKey(upstreamKey);
            String yaml = """
                    models:
                      fast:
                        deployments:
                          - {id: fake-1, provider: openai, baseUrl: "%s", model: gpt-fake, apiKey: "file:%s",
                             breaker: %s}
                    keys:
                      - {id: team-a, secret: "file:%s"}
                    retry: {maxAttempts: 1}
                    cache: {enabled: false}
                    """.formatted(upstream.baseUrl(), upstreamFile, breaker, clientFile);
            BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED).withEgress(TestEgress.LOOPBACK)
                    .withGateway(GatewayConfigReader.read(YAML.readTree(yaml)));
            node = BatonNode.open(config);
            server = BatonServer.start(node, "127.0.0.1", 0);
            api = new ApiClient(server.url());
        } catch (IOException e) {
            upstream.close();
            throw new UncheckedIOException(e);
        }
    }

    /** A chat completion under {@code /v1} with the client key. */
    ApiClient.Response chat(String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return api.send(request, headers);
    }

    /** A GET under {@code /v1}. */
    ApiClient.Response openAiGet(String path, Map<String, String> headers) {
        return api.send(HttpRequest.newBuilder(server.url().resolve("/v1" + path)).GET(), headers);
    }

    Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + clientKey);
    }

    @Override
    public void close() {
        try {
            server.close();
            node.close();
        } finally {
            upstream.close();
            try (var files = Files.walk(secrets)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
