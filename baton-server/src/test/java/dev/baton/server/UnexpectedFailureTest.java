package dev.baton.server;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A defect inside a handler becomes a 500 problem without internals, and the server keeps serving. */
class UnexpectedFailureTest {

    @Test
    void an_unexpected_exception_is_a_500_problem_without_internals() throws Exception {
        try (BatonNode node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));
             BatonServer server = BatonServer.start(node, "127.0.0.1", 0, Duration.ofSeconds(15),
                     config -> config.routes.get("/api/v1/test/defect", ctx -> {
                         throw new IllegalStateException("secret internal detail");
                     }))) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = server.url();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/test/defect")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(response.body()).contains("\"code\":\"internal\"").contains(requestId)
                    .doesNotContain("secret internal detail").doesNotContain("IllegalStateException")
                    .doesNotContain("at dev.baton");
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
        }
    }
}
