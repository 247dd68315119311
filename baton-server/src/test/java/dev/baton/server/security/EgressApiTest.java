package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The egress policy of a real node over real HTTP: an {@code http} step to a service on the loopback fails with
 * {@code egress-denied} under the default policy (and is not retried, whatever the step's retry policy says),
 * and succeeds once {@code security.egress.allow} lists the loopback.
 */
class EgressApiTest {
    private final AtomicInteger calls = new AtomicInteger();
    private HttpServer service;
    private BatonNode node;
    private BatonServer server;

    @BeforeEach
    void startService() throws IOException {
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
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

    @Test
    void the_default_policy_fails_a_step_calling_the_loopback_with_egress_denied_without_retrying() {
        ApiClient api = start(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));

        JsonNode run = runFetch(api);

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("failed");
        JsonNode attempts = run.get("steps").get(0).get("attempts");
        assertThat(attempts).as(run.toString()).hasSize(1);
        JsonNode error = attempts.get(0).get("error");
        assertThat(error.get("code").asText()).isEqualTo("egress-denied");
        assertThat(error.get("message").asText()).contains("127.0.0.1 is a loopback address")
                .contains("security.egress.allow");
        assertThat(calls).hasValue(0);
    }

    @Test
    void an_allow_listed_loopback_is_called() {
        ApiClient api = start(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withEgress(EgressSettings.DEFAULT.allowing("127.0.0.1")));

        JsonNode run = runFetch(api);

        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(calls).hasValue(1);
    }

    private ApiClient start(BatonConfig config) {
        node = BatonNode.open(config);
        server = BatonServer.start(node, "127.0.0.1", 0);
        return new ApiClient(server.url());
    }

    private JsonNode runFetch(ApiClient api) {
        String source = """
                id: fetch
                steps:
                  fetch:
                    uses: http
                    with: {url: "http://127.0.0.1:%d/data"}
                    retry: {maxAttempts: 3, backoff: fixed, initialDelay: 10ms}
                """.formatted(service.getAddress().getPort());
        assertThat(api.post("/workflows", "application/yaml", source).status()).isEqualTo(201);
        ApiClient.Response response = api.postJson("/workflows/fetch/runs?wait=30s", "{}");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return api.get("/runs/" + response.json().get("id").asText()).json();
    }
}
