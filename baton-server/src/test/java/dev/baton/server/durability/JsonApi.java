package dev.baton.server.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small client of a child node's REST API ({@code /api/v1}) over java.net.http; answers are JSON. */
final class JsonApi {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status and JSON body. */
    record Response(int status, JsonNode body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    JsonApi(URI base) {
        this.base = base;
    }

    /** GET; fails unless the status is 200. */
    JsonNode get(String path) {
        Response response = send(HttpRequest.newBuilder(uri(path)).GET());
        if (response.status() != 200) {
            throw new AssertionError("GET " + path + " -> " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    /** POST with the given content type and headers. */
    Response post(String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    private URI uri(String path) {
        return base.resolve("/api/v1" + path);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Response(response.statusCode(), text.isEmpty() ? JSON.nullNode() : JSON.readTree(text));
        } catch (IOException e) {
            throw new AssertionError("request to " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
