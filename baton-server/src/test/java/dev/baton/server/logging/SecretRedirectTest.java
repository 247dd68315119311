package dev.baton.server.logging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.server.BatonNode;
import dev.baton.server.ConfigSource;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secret reaches only the origin the workflow named, through the real engine (which tells the http step which
 * arguments hold a secret): service A redirects to service B, another origin (another port); B must never
 * receive a header or a body holding the secret.
 */
class SecretRedirectTest {
    private final String key = "key-" + UUID.randomUUID();
    private final List<Map<String, String>> atB = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;
    private HttpServer a;
    private HttpServer b;
    private BatonNode node;

    @BeforeEach
    void start() throws IOException {
        b = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        b.createContext("/", this::record);
        b.start();
        a = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        a.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String status = exchange.getRequestURI().getPath().substring(1);
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + b.getAddress().getPort() + "/in");
            exchange.sendResponseHeaders(Integer.parseInt(status), -1);
            exchange.close();
        });
        a.start();
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("K"), key);
        Path config = Files.writeString(dir.resolve("baton.yaml"), """
                dataDir: %s
                store: {type: memory}
                ai: {enabled: false}
                security:
                  secrets: {directory: "%s"}
                  egress: {allow: ["127.0.0.1/32"]}
                """.formatted(dir.resolve("data"), secrets));
        node = BatonNode.open(ConfigSource.load(config, Map.of()));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        a.stop(0);
        b.stop(0);
    }

    private void record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String header = String.valueOf(exchange.getRequestHeaders().getFirst("X-Api-Key"));
        String plain = String.valueOf(exchange.getRequestHeaders().getFirst("X-Plain"));
        atB.add(Map.of("key", header, "plain", plain, "body", body));
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    private Run run(String id, int status, String method, String body) throws Exception {
        node.catalog().register("default", """
                id: %s
                steps:
                  call:
                    uses: http
                    retry: {maxAttempts: 1}
                    with:
                      url: "http://127.0.0.1:%d/%d"
                      method: %s
                      headers: {X-Api-Key: "{{ secrets.K }}", X-Plain: "yes"}
                      %s
                """.formatted(id, a.getAddress().getPort(), status, method, body), id + ".yaml");
        String runId = node.engine().start(StartRequest.of("default", id, null)).id();
        return node.engine().await("default", runId, Duration.ofSeconds(60)).run();
    }

    @Test
    void a_secret_header_is_not_carried_to_another_origin_but_a_plain_one_is() throws Exception {
        Run run = run("hdr", 302, "GET", "");

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(atB).hasSize(1);
        assertThat(atB.getFirst()).containsEntry("plain", "yes").containsEntry("key", "null");
    }

    @Test
    void a_redirect_that_would_resend_a_secret_body_to_another_origin_fails_the_run() throws Exception {
        Run run = run("body", 307, "POST", "body: {token: \"{{ secrets.K }}\"}");

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error().code()).isEqualTo("upstream-rejected");
        assertThat(run.error().message()).contains("body holds a secret").doesNotContain(key);
        assertThat(atB).isEmpty();
    }
}
