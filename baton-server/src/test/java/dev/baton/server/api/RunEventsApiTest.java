package dev.baton.server.api;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunEventsApiTest {
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    /** One parsed SSE frame. */
    record Frame(long id, String event, String data) {
    }

    private List<Frame> readStream(String runId, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/runs/" + runId + "/events"))
                .timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(request::header);
        HttpResponse<InputStream> response = api.http().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Frame> frames = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
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
    }

    private String register(String source) {
        assertThat(api.post("/workflows", "application/yaml", source).status()).isEqualTo(201);
        return source.lines().findFirst().orElseThrow().substring(4).trim();
    }

    @Test
    void streams_live_events_through_the_terminal_one_and_then_ends() throws Exception {
        String id = register("""
                id: %s
                steps:
                  nap: {uses: sleep, with: {duration: "300ms"}}
                  after: {uses: transform, needs: [nap], with: {value: 42}}
                """.formatted(TestServer.uniqueId("events-live")));
        String runId = api.postJson("/workflows/" + id + "/runs", "{}").json().get("id").asText();

        List<Frame> frames = readStream(runId, Map.of());

        assertThat(frames).isNotEmpty();
        assertThat(frames.getLast().event()).isEqualTo("run-finished");
        assertThat(frames.getLast().data()).contains("\"status\":\"succeeded\"");
        assertThat(frames.stream().map(Frame::event)).contains("run-started", "attempt-started", "attempt-finished");
        assertThat(frames.stream().mapToLong(Frame::id).toArray()).isSorted().doesNotHaveDuplicates();
        assertThat(frames.getFirst().id()).isEqualTo(1);
    }

    @Test
    void replays_a_finished_run_after_the_last_event_id() throws Exception {
        String id = register("""
                id: %s
                steps:
                  a: {uses: transform, with: {value: 1}}
                  b: {uses: transform, needs: [a], with: {value: 2}}
                """.formatted(TestServer.uniqueId("events-replay")));
        String runId = api.postJson("/workflows/" + id + "/runs?wait=10s", "{}").json().get("id").asText();

        List<Frame> all = readStream(runId, Map.of());
        List<Frame> rest = readStream(runId, Map.of("Last-Event-ID", "2"));

        assertThat(all.getLast().event()).isEqualTo("run-finished");
        assertThat(rest).isEqualTo(all.subList(2, all.size()));
    }

    @Test
    void a_bad_last_event_id_is_400() {
        String id = register("""
                id: %s
                steps:
                  a: {uses: transform, with: {value: 1}}
                """.formatted(TestServer.uniqueId("events-bad")));
        String runId = api.postJson("/workflows/" + id + "/runs?wait=10s", "{}").json().get("id").asText();
        var response = api.get("/runs/" + runId + "/events", Map.of("Last-Event-ID", "minus-one"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("Last-Event-ID");
    }
}
