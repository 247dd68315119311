package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input over real HTTP: every case gets a 4xx problem naming the limit or the field (or, for expressions
 * that only fail when evaluated, a failed run naming the limit), never a 5xx, and the server keeps serving.
 * The node allows 4 MiB request bodies, so that the parser's own limits (1 MiB documents) are reached.
 */
class HostileInputApiTest {
    private static final long MAX_BODY = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static BatonNode node;
    private static BatonServer server;
    private static ApiClient api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        BatonConfig base = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED);
        node = BatonNode.open(base.withServer(base.server().withMaxRequestSize(MAX_BODY)));
        server = BatonServer.start(node, "127.0.0.1", 0);
        api = new ApiClient(server.url());
        assertThat(api.post("/workflows", "application/yaml", """
                id: hostile
                inputs:
                  type: object
                  required: [text]
                  additionalProperties: false
                  properties:
                    text: {type: string, maxLength: 1000}
                    count: {type: integer, minimum: 0, maximum: 100}
                    items: {type: array, maxItems: 10}
                steps:
                  echo: {uses: transform, with: {value: "{{ inputs.text }}"}}
                """).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
    }

    @AfterEach
    void still_serving() {
        assertThat(api.get("/health/live").status()).isEqualTo(200);
        assertThat(api.get("/workflows/hostile").status()).isEqualTo(200);
    }

    private static void assertProblem(ApiClient.Response response, int status, String code, String detailPart) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo(code);
        assertThat(response.json().get("detail").asText()).containsIgnoringCase(detailPart);
    }

    @Test
    void a_workflow_over_the_document_size_limit_is_refused_naming_the_limit() {
        String big = "id: big\ndescription: \"" + "x".repeat((1 << 20) + 10) + "\"\nsteps: {a: {uses: transform}}\n";
        assertProblem(api.post("/workflows", "application/yaml", big), 400, "invalid-workflow", "limit");
    }

    @Test
    void a_workflow_nested_too_deeply_is_refused_in_yaml_and_json() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertProblem(api.post("/workflows", "application/yaml",
                "id: deep\nsteps: {a: {uses: transform, with: {value: " + deep + "}}}\n"), 400, "invalid-workflow", "nest");
        assertProblem(api.post("/workflows", "application/json",
                "{\"id\": \"deep\", \"steps\": {\"a\": {\"uses\": \"transform\", \"with\": {\"value\": " + deep + "}}}}"),
                400, "invalid-workflow", "nest");
    }

    @Test
    void yaml_aliases_are_refused_so_a_billion_laughs_cannot_expand() {
        StringBuilder bomb = new StringBuilder("id: lol\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
        }
        bomb.append("steps: {x: {uses: transform, with: {value: *a9}}}\n");
        assertProblem(api.post("/workflows", "application/yaml", bomb.toString()), 400, "invalid-workflow", "alias");
        assertProblem(api.post("/workflows/validate", "application/yaml", bomb.toString()), 400, "invalid-workflow",
                "alias");
    }

    @Test
    void huge_strings_and_numbers_in_run_inputs_are_refused() {
        assertProblem(api.postJson("/workflows/hostile/runs",
                "{\"inputs\": {\"text\": \"" + "y".repeat(3 << 20) + "\"}}"), 400, "invalid-input", "text");
        assertProblem(api.postJson("/workflows/hostile/runs",
                "{\"inputs\": {\"text\": \"a\", \"count\": " + "9".repeat(5_000) + "}}"), 400, "invalid-input", "number");
        assertProblem(api.postJson("/workflows/hostile/runs",
                "{\"inputs\": {\"text\": \"a\", \"count\": 1e999999999}}"), 400, "invalid-input", "count");
        assertProblem(api.postJson("/workflows/hostile/runs",
                "{\"inputs\": {\"text\": \"a\", \"items\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}}"),
                400, "invalid-input", "nest");
    }

    @Test
    void run_inputs_failing_their_schema_are_refused_naming_the_field() {
        assertProblem(api.postJson("/workflows/hostile/runs", "{\"inputs\": {\"count\": 5}}"), 400, "invalid-input",
                "text");
        assertProblem(api.postJson("/workflows/hostile/runs", "{\"inputs\": {\"text\": \"a\", \"count\": -1}}"), 400,
                "invalid-input", "count");
        assertProblem(api.postJson("/workflows/hostile/runs", "{\"inputs\": {\"text\": \"a\", \"admin\": true}}"),
                400, "invalid-input", "admin");
        ApiClient.Response batch = api.postJson("/workflows/hostile/runs/batch",
                "{\"inputs\": [{\"text\": \"ok\"}, {\"text\": 5}]}");
        assertThat(batch.status()).as(batch.text()).isEqualTo(400);
        assertThat(batch.json().get("detail").asText()).contains("text");
    }

    @Test
    void expressions_over_their_limits_fail_the_run_naming_the_limit() {
        String loops = "[1,2,3,4,5,6,7,8,9,10]";
        String nested = loops + ".map(a, " + loops + ".map(b, " + loops + ".map(c, " + loops + ".map(d, "
                        + loops + ".map(e, " + loops + ".map(f, a)))))).size()";
        assertThat(api.post("/workflows", "application/yaml", """
                id: hostile-expressions
                inputs: {type: object, properties: {which: {type: string}}}
                steps:
                  loops:
                    uses: transform
                    if: "{{ inputs.which == 'loops' }}"
                    with: {value: "{{ %s }}"}
                  growth:
                    uses: transform
                    if: "{{ inputs.which == 'growth' }}"
                    with: {value: "{{ 'aaaaaaaaaaaaaaaa'.replace('a', 'aaaaaaaaaaaaaaaa').replace('a', 'aaaaaaaaaaaaaaaa').replace('a', 'aaaaaaaaaaaaaaaa').replace('a', 'aaaaaaaaaaaaaaaa').replace('a', 'aaaaaaaaaaaaaaaa') }}"}
                """.formatted(nested)).status()).isEqualTo(201);
        for (String which : List.of("loops", "growth")) {
            ApiClient.Response run = api.postJson("/workflows/hostile-expressions/runs?wait=60s",
                    "{\"inputs\": {\"which\": \"" + which + "\"}}");
            assertThat(run.status()).as(run.text()).isEqualTo(200);
            JsonNode body = run.json();
            assertThat(body.get("status").asText()).isEqualTo("failed");
            assertThat(body.toString()).contains("expression-failed");
        }
    }

    @Test
    void an_expression_that_crashed_the_expression_parser_is_a_400_found_by_fuzzing() {
        String workflow = """
                id: fuzzed
                steps:
                  a: {uses: transform, with: {value: "{{ math.greatest([1?ssing.orValue('default')) }}"}}
                """;
        assertProblem(api.post("/workflows/validate", "application/yaml", workflow), 400, "invalid-workflow",
                "does not compile");
        assertProblem(api.post("/workflows", "application/yaml", workflow), 400, "invalid-workflow",
                "does not compile");
    }

    @Test
    void bodies_over_the_request_size_limit_are_refused_with_or_without_content_length() throws Exception {
        byte[] oversized = ("{\"inputs\": {\"text\": \"" + "z".repeat((int) MAX_BODY) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        URI uri = api.uri("/workflows/hostile/runs");
        HttpResponse<String> sized = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(oversized)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sized.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(sized.body()).get("code").asText()).isEqualTo("payload-too-large");

        // ofInputStream has no known length: the JDK client sends it chunked, without Content-Length
        for (String path : List.of("/workflows/hostile/runs", "/workflows", "/workflows/validate",
                "/workflows/hostile/runs/batch")) {
            HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(api.uri(path))
                    .header("Content-Type", path.endsWith("runs") || path.endsWith("batch") ? "application/json"
                            : "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(oversized)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.request().headers().firstValue("Content-Length")).isEmpty();
            assertThat(chunked.statusCode()).as(path + ": " + chunked.body()).isEqualTo(413);
            assertThat(JSON.readTree(chunked.body()).get("code").asText()).isEqualTo("payload-too-large");
        }
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(oversized)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(413);
    }

    @Test
    void malformed_json_on_every_post_and_put_route_is_a_4xx_never_a_5xx() throws Exception {
        List<String> answered = new ArrayList<>();
        for (BatonServer.Route route : server.routes()) {
            if (!route.method().equals("POST") && !route.method().equals("PUT")) {
                continue;
            }
            String path = route.path().replace("{id}", "hostile").replace("{name}", "classify-documents")
                    .replace("{version}", "1");
            for (String body : List.of("{", "{\"inputs\": ", "[1, 2", "{\"a\": 1} trailing", "\u0000\u0001",
                    "{\"inputs\": {\"text\": \"a\"}", "nul", "{\"priority\": \"high\"}")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                        .method(route.method(), HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s %s with %s: %s", route.method(), path, body, response.body())
                        .isBetween(400, 499);
                assertThat(response.body()).isNotEmpty();
            }
            answered.add(route.method() + " " + path);
        }
        assertThat(answered).contains("POST /api/v1/workflows", "POST /api/v1/workflows/hostile/runs",
                "POST /v1/chat/completions", "POST /v1/embeddings", "PUT /api/v1/workflows/hostile");
    }
}
