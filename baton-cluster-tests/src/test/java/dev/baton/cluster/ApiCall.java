package dev.baton.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What one HTTP call to a node's API answered and how long it took.
 *
 * @param status     the HTTP status, or 0 when there was no answer ({@code failure} says why)
 * @param body       the JSON body ({@link MissingNode} when empty or not JSON)
 * @param retryAfter the {@code Retry-After} header, if any
 * @param millis     wall time of the call, connection included
 * @param failure    the I/O failure (connection refused, reset, timed out), or {@code null}
 */
record ApiCall(int status, JsonNode body, Optional<String> retryAfter, long millis, String failure) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Per call: longer than any bound a test asserts, so a hang shows as a measured duration, not a stuck test. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(45);

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
                .build();
    }

    boolean answered() {
        return status != 0;
    }

    /** {@code POST uri} with a JSON body and optional headers (name, value pairs). */
    static ApiCall post(HttpClient client, URI uri, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(client, request.build());
    }

    static ApiCall get(HttpClient client, URI uri) {
        return send(client, HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build());
    }

    private static ApiCall send(HttpClient client, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            JsonNode body;
            try {
                body = response.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(response.body());
            } catch (IOException e) {
                body = MissingNode.getInstance();
            }
            return new ApiCall(response.statusCode(), body, response.headers().firstValue("Retry-After"), millis,
                    null);
        } catch (IOException e) {
            return new ApiCall(0, MissingNode.getInstance(), Optional.empty(),
                    (System.nanoTime() - start) / 1_000_000, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApiCall(0, MissingNode.getInstance(), Optional.empty(),
                    (System.nanoTime() - start) / 1_000_000, "interrupted");
        }
    }

    @Override
    public String toString() {
        return answered() ? status + " in " + millis + " ms" + (body.isMissingNode() ? "" : ": " + body)
                : "no answer in " + millis + " ms: " + failure;
    }
}
