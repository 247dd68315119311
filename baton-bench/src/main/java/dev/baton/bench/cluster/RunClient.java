package dev.baton.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client of one node's run API ({@code /api/v1}, docs/api.md) over the JDK's HTTP/1.1 client: register a
 * workflow, start a run (asynchronously, or start-and-wait), cancel a run. Thread-safe; one connection per
 * concurrent request.
 */
final class RunClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMPTY_INPUTS = "{\"inputs\":{}}";

    /**
     * What a start answered.
     *
     * @param runId    the run's id
     * @param status   its status in the answer ({@code queued}, {@code running}, or a terminal one after a wait)
     * @param finished whether the answer is the finished run (200 of a start-and-wait)
     */
    record Started(String runId, String status, boolean finished) {
    }

    private final URI api;
    private final HttpClient client;

    RunClient(URI nodeUrl) {
        this.api = nodeUrl.resolve("/api/v1/");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Registers (or re-registers) the workflow {@code yaml}. */
    void register(String yaml) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(api.resolve("workflows"))
                .header("Content-Type", "application/yaml").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new IllegalStateException("registering the workflow answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /**
     * Starts a run of {@code workflow} with empty inputs; with {@code wait} &gt; 0 the node answers once the run
     * finished (or after {@code wait}, unfinished).
     *
     * @throws IllegalStateException on an answer other than 200/202 (e.g. 429, 503), naming the status and body
     */
    Started start(String workflow, Duration wait) throws IOException, InterruptedException {
        String query = wait.isZero() ? "" : "?wait=" + wait.toSeconds() + "s";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(api.resolve(
                        "workflows/" + workflow + "/runs" + query)).header("Content-Type", "application/json")
                .timeout(wait.plusSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(EMPTY_INPUTS)).build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status != 200 && status != 202) {
            throw new IllegalStateException("start answered " + status + ": " + response.body());
        }
        JsonNode run = JSON.readTree(response.body());
        return new Started(run.path("id").asText(), run.path("status").asText(), status == 200);
    }

    /** The {@code engine} component of the node's {@code GET /health}, or the error. */
    String health() {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(api.resolve("health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode engine = JSON.readTree(response.body()).path("components").path("engine");
            return engine.isMissingNode() ? response.body() : engine.toString();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /** Cancels a run; true when the node answered 200. */
    boolean cancel(String runId) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(api.resolve("runs/" + runId + "/cancel"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"benchmark over\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    @Override
    public void close() {
        client.close();
    }
}
