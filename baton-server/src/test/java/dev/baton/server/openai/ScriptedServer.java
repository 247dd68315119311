package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.NodeGateway;
import dev.baton.server.api.ApiClient;
import dev.baton.server.api.ApiClient.Response;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

/** A node (in memory, no embedding model) serving a {@link ScriptedGateway} on 127.0.0.1, and a client for it. */
final class ScriptedServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    final ScriptedGateway gateway = new ScriptedGateway();
    final BatonNode node;
    final BatonServer server;
    private final ApiClient client;

    ScriptedServer(ClientKeys keys) {
        this(keys, BatonConfig.Server.DEFAULT.maxRequestSize());
    }

    ScriptedServer(ClientKeys keys, long maxRequestSize) {
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withServer(new BatonConfig.Server("127.0.0.1", 0, maxRequestSize, Duration.ofMinutes(1)));
        node = BatonNode.open(config, new NodeGateway(gateway, gateway, gateway, keys, () -> { }));
        server = BatonServer.start(node, "127.0.0.1", 0);
        client = new ApiClient(server.url());
    }

    URI url(String path) {
        return server.url().resolve(path);
    }

    Response get(String path, Map<String, String> headers) {
        return client.send(HttpRequest.newBuilder(url(path)).GET(), headers);
    }

    Response get(String path) {
        return get(path, Map.of());
    }

    Response post(String path, String body) {
        return post(path, body, Map.of());
    }

    Response post(String path, String body, Map<String, String> headers) {
        return client.send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    @Override
    public void close() {
        server.close();
        node.close();
    }
}
