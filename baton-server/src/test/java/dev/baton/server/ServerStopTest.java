package dev.baton.server;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the server ends open event streams instead of waiting for their runs. */
class ServerStopTest {

    @Test
    void closing_the_server_ends_open_event_streams() throws Exception {
        try (BatonNode node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED))) {
            BatonServer server = BatonServer.start(node, "127.0.0.1", 0);
            HttpClient http = HttpClient.newHttpClient();
            String base = server.url() + "/api/v1";
            http.send(HttpRequest.newBuilder(java.net.URI.create(base + "/workflows"))
                    .header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString("id: nap\nsteps:\n  a: {uses: sleep, with: {duration: \"1h\"}}\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String started = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "/workflows/nap/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).body();
            String runId = started.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
                    java.net.URI.create(base + "/runs/" + runId + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).startsWith(": events of run");
            CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> {
                List<String> lines = new ArrayList<>();
                try {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("closed: " + e.getMessage());
                }
                return lines;
            });

            server.close();

            assertThat(rest.get(30, TimeUnit.SECONDS)).noneMatch(line -> line.startsWith("event: run-finished"));
        }
    }
}
