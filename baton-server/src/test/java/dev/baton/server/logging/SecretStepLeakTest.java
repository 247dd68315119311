package dev.baton.server.logging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.RunStatus;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.ConfigSource;
import dev.baton.server.api.ApiClient;
import dev.baton.server.api.ApiClient.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code {{ secrets.NAME }}} end to end over real HTTP: a node whose secrets come from a mounted directory (an
 * installation-wide file, a tenant-scoped file beside a losing installation-wide one) and a
 * {@code BATON_SECRET_*} variable; an {@code http} step sends them to a fake service that echoes them back in its
 * JSON body, in a response header and in a 401 error body. The service must receive the real values; no API
 * response (registration, start-and-wait, run, run list, event stream), and no log line, may contain one.
 */
class SecretStepLeakTest {
    private final String token = "tok-" + UUID.randomUUID();
    private final String clientId = "cid-" + UUID.randomUUID();
    private final String tenantSecret = "tenant-" + UUID.randomUUID();
    private final String losingSecret = "shadowed-" + UUID.randomUUID();
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;
    private HttpServer service;
    private BatonNode node;
    private BatonServer server;
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", this::echo);
        service.start();
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("API_TOKEN"), token + "\n");
        Files.writeString(secrets.resolve("CLIENT_SECRET"), losingSecret);
        Files.createDirectories(secrets.resolve("default"));
        Files.writeString(secrets.resolve("default/CLIENT_SECRET"), tenantSecret);
        Path config = Files.writeString(dir.resolve("baton.yaml"), """
                dataDir: %s
                store: {type: memory}
                ai: {enabled: false}
                security:
                  secrets: {directory: "%s"}
                  egress: {allow: ["127.0.0.1/32"]}
                """.formatted(dir.resolve("data"), secrets));
        node = BatonNode.open(ConfigSource.load(config, Map.of("BATON_SECRET_CLIENT_ID", clientId)));
        server = BatonServer.start(node, "127.0.0.1", 0);
        api = new ApiClient(server.url());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (node != null) {
            node.close();
        }
        service.stop(0);
    }

    /** Echoes what it got: JSON body and X-Echo header on /echo, a 401 quoting the token on /fail. */
    private void echo(HttpExchange exchange) throws IOException {
        String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        String client = String.valueOf(exchange.getRequestHeaders().getFirst("X-Client"));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(Map.of("authorization", authorization, "client", client, "body", body));
        boolean fail = exchange.getRequestURI().getPath().equals("/fail");
        String answer = fail ? "invalid token: " + authorization
                : "{\"authorization\": \"" + authorization + "\", \"client\": \"" + client + "\", \"request\": " + body + "}";
        exchange.getResponseHeaders().add("Content-Type", fail ? "text/plain" : "application/json");
        exchange.getResponseHeaders().add("X-Echo", authorization + " " + client);
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(fail ? 401 : 200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String workflow(String id, String path) {
        return """
                id: %s
                steps:
                  call:
                    uses: http
                    with:
                      url: "http://127.0.0.1:%d%s"
                      method: POST
                      headers: {Authorization: "Bearer {{ secrets.API_TOKEN }}", X-Client: "{{ secrets.CLIENT_ID }}"}
                      body: {client_secret: "{{ secrets.CLIENT_SECRET }}", note: "{{ run.id }}"}
                  copy:
                    uses: transform
                    with: {value: "{{ steps.call.output }}"}
                outputs:
                  echoed: "{{ steps.call.output }}"
                """.formatted(id, service.getAddress().getPort(), path);
    }

    @Test
    void secrets_reach_the_service_but_no_response_and_no_log_line() throws Exception {
        List<String> responses = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            Response registered = api.post("/workflows", "application/yaml", workflow("secret-echo", "/echo"));
            record(responses, registered);
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            Response ok = api.postJson("/workflows/secret-echo/runs?wait=60s", "{}");
            record(responses, ok);
            assertThat(ok.json().path("status").asText()).as(ok.text()).isEqualTo("succeeded");

            record(responses, api.post("/workflows", "application/yaml", workflow("secret-fail", "/fail")));
            Response failed = api.postJson("/workflows/secret-fail/runs?wait=60s", "{}");
            record(responses, failed);
            assertThat(failed.json().path("status").asText()).as(failed.text()).isEqualTo("failed");

            for (String runId : List.of(ok.json().path("id").asText(), failed.json().path("id").asText())) {
                record(responses, api.get("/runs/" + runId));
                record(responses, api.get("/runs/" + runId + "/events"));
            }
            record(responses, api.get("/runs?limit=50"));
            record(responses, api.get("/workflows/secret-echo"));
            awaitLogged(logs, "/workflows/secret-echo");

            // the service got the real values: the tenant's CLIENT_SECRET, not the installation-wide one
            assertThat(received).hasSize(2);
            assertThat(received.getFirst()).containsEntry("authorization", "Bearer " + token)
                    .containsEntry("client", clientId);
            assertThat(received.getFirst().get("body")).contains(tenantSecret).doesNotContain(losingSecret);

            Response run = api.get("/runs/" + ok.json().path("id").asText());
            String everything = String.join("\n", responses);
            assertThat(everything).contains("Bearer [secret:API_TOKEN]", "[secret:CLIENT_SECRET]",
                    "Bearer [REDACTED]", "invalid token: Bearer [REDACTED]");
            assertThat(run.json().at("/outputs/echoed/headers/x-echo").asText()).isEqualTo("Bearer [REDACTED] [REDACTED]");
            assertThat(run.json().at("/outputs/echoed/body/request/client_secret").asText()).isEqualTo("[REDACTED]");
            for (String secret : List.of(token, clientId, tenantSecret)) {
                assertThat(everything).as("responses").doesNotContain(secret);
                assertThat(String.join("\n", logs.jsonLines())).as("JSON log").doesNotContain(secret);
                assertThat(logs.text()).as("text log").doesNotContain(secret);
                assertThat(logs.raw()).as("log events before masking").doesNotContain(secret);
            }
        }
    }

    @Test
    void each_run_reads_its_own_tenants_secrets_and_never_another_tenants() throws Exception {
        String acmeToken = "acme-" + UUID.randomUUID();
        Path secrets = dir.resolve("secrets");
        Files.createDirectories(secrets.resolve("acme"));
        Files.writeString(secrets.resolve("acme/API_TOKEN"), acmeToken);
        Files.createDirectories(secrets.resolve("globex"));

        for (String tenant : List.of("acme", "globex")) {
            node.catalog().register(tenant, workflow("scoped", "/echo"), "scoped.yaml");
            String runId = node.engine().start(StartRequest.of(tenant, "scoped", null)).id();
            assertThat(node.engine().await(tenant, runId, Duration.ofSeconds(60)).run().status())
                    .isEqualTo(RunStatus.SUCCEEDED);
        }

        assertThat(received).hasSize(2);
        // acme: its own token; the installation-wide CLIENT_SECRET (the system tenant's own one is not acme's)
        assertThat(received.get(0)).containsEntry("authorization", "Bearer " + acmeToken);
        assertThat(received.get(0).get("body")).contains(losingSecret).doesNotContain(tenantSecret);
        // globex has a directory but no API_TOKEN of its own: the installation-wide one, never acme's
        assertThat(received.get(1)).containsEntry("authorization", "Bearer " + token);
        assertThat(received.get(1).get("body")).contains(losingSecret).doesNotContain(tenantSecret);
    }

    @Test
    void a_secret_outside_the_fields_that_accept_one_is_rejected_at_registration() {
        Response response = api.post("/workflows", "application/yaml", """
                id: secret-in-url
                steps:
                  call:
                    uses: http
                    with: {url: "https://api.example.com/items?key={{ secrets.API_TOKEN }}"}
                  copy:
                    uses: transform
                    with: {value: "{{ secrets.API_TOKEN }}"}
                """);

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.json().path("code").asText()).isEqualTo("invalid-workflow");
        assertThat(response.text()).contains("steps.call.with.url", "steps.copy.with.value",
                "step type 'http' accepts secrets only in body, headers.*");
    }

    private static void record(List<String> responses, Response response) {
        responses.add(response.status() + " " + response.headers().map() + "\n" + response.text());
    }

    /** Request lines are written after the response is sent: waits for the last one. */
    private static void awaitLogged(LogCapture logs, String text) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!logs.text().contains(text) && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
    }
}
