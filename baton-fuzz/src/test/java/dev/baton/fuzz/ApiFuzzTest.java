package dev.baton.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the API's request bodies: the fuzzer picks a route that takes a body (every POST and PUT of
 * {@code /api/v1} and {@code /v1}; first byte), a media type (second byte) and the body bytes (the rest), and
 * sends them to a real node and server on 127.0.0.1 (in-memory store, no embedding model) over HTTP.
 *
 * <p>Contract: every request gets an answer within {@link #TIMEOUT} (else a hang) whose status is below 500
 * (a 5xx is a finding), with a body; the server keeps answering its liveness probe.
 */
class ApiFuzzTest {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A workflow with an input schema, so that run starts reach input validation. */
    static final String WORKFLOW = """
            id: fuzz-flow
            inputs:
              type: object
              required: [text]
              properties:
                text: {type: string, maxLength: 100}
                count: {type: integer, minimum: 0, maximum: 10}
                tags: {type: array, items: {type: string}, maxItems: 5}
            steps:
              echo:
                uses: transform
                with: {value: "{{ inputs.text }}"}
            """;
    /** Every route with a request body; {@code {id}} of runs is one that exists and one that does not. */
    static final List<Route> ROUTES = List.of(
            new Route("POST", "/api/v1/workflows"),
            new Route("POST", "/api/v1/workflows/validate"),
            new Route("PUT", "/api/v1/workflows/fuzz-flow"),
            new Route("PUT", "/api/v1/workflows/fuzz-other"),
            new Route("POST", "/api/v1/workflows/fuzz-flow/runs"),
            new Route("POST", "/api/v1/workflows/fuzz-flow/runs?wait=0s"),
            new Route("POST", "/api/v1/workflows/fuzz-flow/runs/batch"),
            new Route("POST", "/api/v1/workflows/missing/runs"),
            new Route("POST", "/api/v1/runs/no-such-run/cancel"),
            new Route("POST", "/api/v1/templates/classify-documents"),
            new Route("POST", "/api/v1/gateway/deployments/none/enable"),
            new Route("POST", "/api/v1/gateway/deployments/none/disable"),
            new Route("POST", "/v1/chat/completions"),
            new Route("POST", "/v1/embeddings"));
    static final List<String> MEDIA_TYPES = List.of("application/json", "application/yaml", "text/plain",
            "application/x-www-form-urlencoded", "application/json; charset=utf-16", "multipart/form-data", "");

    /** A route with a body, and its path (with query). */
    record Route(String method, String path) {
    }

    private static BatonNode node;
    private static BatonServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));
        server = BatonServer.start(node, "127.0.0.1", 0);
        http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest register = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/workflows"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(WORKFLOW)).build();
        assertThat(http.send(register, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
    }

    /**
     * The harness itself talks to the server over loopback: not a request forgery. Jazzer's SSRF detector keeps
     * watching every other destination (e.g. an http step of a fuzzed workflow calling out of the machine). Set
     * for each input: Jazzer resets its detectors when it switches from the seeds to fuzzing.
     */
    private static SilentCloseable allowLoopback() {
        return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1")
                                                                    || host.equals("localhost"));
    }

    @FuzzTest(maxDuration = "10s")
    void answers_every_body_with_a_non_5xx_status(byte[] data) throws Exception {
        try (SilentCloseable loopback = allowLoopback()) {
            check(data);
        }
    }

    private static void check(byte[] data) throws Exception {
        Route route = ROUTES.get(data.length > 0 ? Byte.toUnsignedInt(data[0]) % ROUTES.size() : 0);
        String mediaType = MEDIA_TYPES.get(data.length > 1 ? Byte.toUnsignedInt(data[1]) % MEDIA_TYPES.size() : 0);
        byte[] body = data.length > 2 ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
        HttpResponse<String> response = send(route.method(), route.path(), mediaType, body);
        assertThat(response.statusCode()).as("%s %s (%s): %s", route.method(), route.path(), mediaType,
                response.body()).isBetween(200, 499);
        assertThat(response.body()).isNotEmpty();
        assertThat(send("GET", "/api/v1/health/live", "", new byte[0]).statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> send(String method, String path, String mediaType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (!mediaType.isEmpty()) {
            request.header("Content-Type", mediaType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return fail("no answer within " + TIMEOUT + " to " + method + " " + path + " (a hang)", e);
        }
    }
}
