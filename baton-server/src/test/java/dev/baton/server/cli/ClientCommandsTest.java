package dev.baton.server.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client commands against a fake Baton API on 127.0.0.1 (real HTTP), which answers canned JSON and records
 * each request.
 */
class ClientCommandsTest {
    private HttpServer server;
    private String url;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CliHarness cli = CliHarness.clientOnly();

    @TempDir
    Path dir;

    @BeforeEach
    void startFakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(target + (body.isEmpty() ? "" : " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + body));
            switch (target) {
                case "GET /api/v1/runs?workflow=classify&limit=5" -> answer(exchange, 200, "application/json",
                        "{\"items\":[{\"id\":\"r-1\",\"workflowId\":\"classify\",\"workflowVersion\":2,"
                                + "\"status\":\"succeeded\",\"createdAt\":\"2026-01-01T00:00:00Z\"}],\"nextCursor\":\"c2\"}");
                case "GET /api/v1/runs/r-1" -> answer(exchange, 200, "application/json",
                        "{\"id\":\"r-1\",\"status\":\"succeeded\",\"steps\":[]}");
                case "GET /api/v1/runs/nope" -> answer(exchange, 404, "application/problem+json",
                        "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"not-found\","
                                + "\"detail\":\"run 'nope' does not exist\"}");
                case "POST /api/v1/runs/r-1/cancel" -> answer(exchange, 200, "application/json",
                        "{\"id\":\"r-1\",\"status\":\"cancelled\"}");
                case "POST /api/v1/runs/r-1/retry" -> answer(exchange, 202, "application/json",
                        "{\"id\":\"r-2\",\"status\":\"queued\",\"retryOf\":\"r-1\"}");
                case "POST /api/v1/workflows" -> answer(exchange, 201, "application/json",
                        "{\"id\":\"hello\",\"version\":3}");
                case "GET /api/v1/workflows" -> answer(exchange, 200, "application/json",
                        "{\"items\":[{\"id\":\"hello\",\"version\":3,\"description\":\"says hello\"}]}");
                default -> answer(exchange, 500, "text/plain", "unexpected " + target);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopFakeApi() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void runs_list_shows_one_line_per_run_and_the_next_cursor() {
        CliHarness.Result result = cli.run("runs", "list", "--server", url, "--workflow", "classify", "--limit", "5");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("r-1").contains("classify v2").contains("succeeded")
                .contains("more: --cursor c2");
    }

    @Test
    void runs_get_prints_the_run_as_json() {
        CliHarness.Result result = cli.run("runs", "get", "r-1", "--server", url, "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip()).isEqualTo("{\"id\":\"r-1\",\"status\":\"succeeded\",\"steps\":[]}");
    }

    @Test
    void an_unknown_run_exits_2_with_the_servers_problem_detail() {
        CliHarness.Result result = cli.run("runs", "get", "nope", "--server", url);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("run 'nope' does not exist").contains("HTTP 404");
    }

    @Test
    void runs_retry_posts_to_the_retry_route_and_names_the_new_run() {
        CliHarness.Result result = cli.run("runs", "retry", "r-1", "--server", url);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("run r-1 retried as run r-2: queued");
        assertThat(requests).contains("POST /api/v1/runs/r-1/retry application/json {}");
    }

    @Test
    void runs_cancel_posts_the_reason() {
        CliHarness.Result result = cli.run("runs", "cancel", "r-1", "--server", url, "--reason", "stop");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("run r-1: cancelled");
        assertThat(requests).contains("POST /api/v1/runs/r-1/cancel application/json {\"reason\":\"stop\"}");
    }

    @Test
    void workflows_register_sends_the_yaml_source_and_list_shows_versions() throws Exception {
        Path file = Files.writeString(dir.resolve("hello.yaml"), "id: hello\n");

        CliHarness.Result registered = cli.run("workflows", "register", file.toString(), "--server", url);
        CliHarness.Result listed = cli.run("workflows", "list", "--server", url);

        assertThat(registered.exitCode()).isZero();
        assertThat(registered.out()).contains("registered workflow 'hello' version 3");
        assertThat(requests).contains("POST /api/v1/workflows application/yaml id: hello\n");
        assertThat(listed.out()).contains("hello").contains("v3").contains("says hello");
    }

    @Test
    void an_unreachable_server_exits_1_and_says_so() throws Exception {
        server.stop(0);

        CliHarness.Result result = cli.run("runs", "list", "--server", url);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("cannot reach the Baton server");
    }
}
