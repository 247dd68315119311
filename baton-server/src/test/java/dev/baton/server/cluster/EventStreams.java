package dev.baton.server.cluster;

import dev.baton.server.api.ApiClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's Server-Sent Events stream ({@code GET /runs/{id}/events}) to its end. */
final class EventStreams {
    /** One SSE frame. */
    record Frame(long id, String event, String data) {
    }

    private EventStreams() {
    }

    /** Every frame until the server ends the stream (after {@code run-finished}), or fails after {@code timeout}. */
    static List<Frame> readAll(ApiClient api, String runId, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(api.uri("/runs/" + runId + "/events")).timeout(timeout).GET()
                .build();
        try {
            HttpResponse<InputStream> response = api.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new AssertionError("events of " + runId + " answered " + response.statusCode() + ": "
                        + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            List<Frame> frames = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                long id = 0;
                String event = null;
                String data = null;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("id: ")) {
                        id = Long.parseLong(line.substring(4));
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = line.substring(6);
                    } else if (line.isEmpty() && event != null) {
                        frames.add(new Frame(id, event, data));
                        event = null;
                        data = null;
                    }
                }
            }
            return frames;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
