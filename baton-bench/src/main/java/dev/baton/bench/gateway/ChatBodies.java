package dev.baton.bench.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.StringJoiner;

/**
 * Request bodies of the harnesses (OpenAI chat completions) and a one-request check that an endpoint answers them.
 * The fake upstream answers {@code "You said: <text>"}, streamed one word per chunk, so a user text of
 * {@code words} words gives {@code words + 2} content chunks.
 */
final class ChatBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatBodies() {
    }

    /** {@code {"model": alias, "messages": [{"role": "user", "content": "w1 w2 ..."}]}}. */
    static String whole(String alias, int words) {
        return base(alias, words).toString();
    }

    /** The same with {@code "stream": true} and {@code stream_options.include_usage}. */
    static String stream(String alias, int words) {
        ObjectNode body = base(alias, words).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return body.toString();
    }

    private static ObjectNode base(String alias, int words) {
        StringJoiner text = new StringJoiner(" ");
        for (int i = 1; i <= words; i++) {
            text.add("word" + i);
        }
        ObjectNode body = JSON.createObjectNode().put("model", alias);
        body.putArray("messages").addObject().put("role", "user").put("content", text.toString());
        return body;
    }

    /**
     * POSTs {@code body} to {@code url} once (with {@code Cache-Control: no-cache}).
     *
     * @throws IllegalStateException unless the answer is 200 and contains {@code expected}
     */
    static void check(URI url, String body, String expected) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(post(url, body).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains(expected)) {
                throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": "
                        + response.body());
            }
        }
    }

    /** A JSON POST with {@code Cache-Control: no-cache} and a 2-minute timeout. */
    static HttpRequest.Builder post(URI url, String body) {
        return HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").header("Cache-Control", "no-cache")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
