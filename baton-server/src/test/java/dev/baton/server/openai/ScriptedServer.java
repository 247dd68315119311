package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.NodeGateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A node (in memory, no embedding model) serving a {@link ScriptedGateway} on 127.0.0.1, and a client for it. */
final class ScriptedServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, java.net.http.HttpHeaders headers, String text) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The OpenAI error object of an error response. */
        JsonNode error() {
            return json().get("error");
        }
    }

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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ScriptedServer(ClientKeys keys) {
        this(keys, BatonConfig.Server.DEFAULT.maxRequestSize());
    }

    ScriptedServer(ClientKeys keys, long maxRequestSize) {
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withServer(new BatonConfig.Server("127.0.0.1", 0, maxRequestSize, Duration.ofMinutes(1)));
        node = BatonNode.open(config, new NodeGateway(gateway, gateway, gateway, keys, () -> { }));
        server = BatonServer.start(node, "127.0.0.1", 0);
    }

    URI url(String path) {
        return server.url().resolve(path);
    }

    Response get(String path, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(url(path)).GET(), headers);
    }

    Response get(String path) {
        return get(path, Map.of());
    }

    Response post(String path, String body) {
        return post(path, body, Map.of());
    }

    Response post(String path, String body, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    private Response send(HttpRequest.Builder builder, Map<String, String> headers) {
        headers.forEach(builder::header);
        try {
            HttpResponse<String> r = http.send(builder.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.close();
        node.close();
    }
}
