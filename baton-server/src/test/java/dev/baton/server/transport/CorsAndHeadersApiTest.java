package dev.baton.server.transport;

import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** CORS preflights and cross-origin requests, and the security headers, over real HTTP on 127.0.0.1. */
class CorsAndHeadersApiTest {
    private static final String CONSOLE = "https://console.example.com";
    private final HttpClient http = HttpClient.newHttpClient();

    private interface Body {
        void accept(BatonServer server) throws Exception;
    }

    private static void withServer(UnaryOperator<BatonConfig.Server> server, Body body) throws Exception {
        BatonConfig base = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED);
        try (BatonNode node = BatonNode.open(base.withServer(server.apply(base.server())));
             BatonServer started = BatonServer.start(node, "127.0.0.1", 0)) {
            body.accept(started);
        }
    }

    private HttpResponse<String> send(BatonServer server, String method, String path, Map<String, String> headers,
                                      String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answers_a_preflight_from_an_allowed_origin_and_marks_its_requests_even_errors() throws Exception {
        withServer(s -> s.withCors(CorsSettings.allowing(List.of(CONSOLE))), server -> {
            HttpResponse<String> preflight = send(server, "OPTIONS", "/api/v1/workflows", Map.of(
                    "Origin", CONSOLE, "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "authorization, content-type"), null);
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, PUT, DELETE");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                    .contains("Authorization").contains("Content-Type");
            assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

            HttpResponse<String> list = send(server, "GET", "/api/v1/workflows", Map.of("Origin", CONSOLE), null);
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
            assertThat(list.headers().allValues("Vary")).anyMatch(v -> v.contains("Origin"));
            assertThat(list.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("X-Request-Id");

            HttpResponse<String> invalid = send(server, "POST", "/api/v1/workflows/validate",
                    Map.of("Origin", CONSOLE, "Content-Type", "application/json"), "{");
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(invalid.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);

            HttpResponse<String> missing = send(server, "GET", "/api/v1/nothing", Map.of("Origin", CONSOLE), null);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
        });
    }

    @Test
    void gives_no_cors_headers_to_other_origins_methods_or_headers() throws Exception {
        withServer(s -> s.withCors(CorsSettings.allowing(List.of(CONSOLE))), server -> {
            HttpResponse<String> evil = send(server, "OPTIONS", "/api/v1/workflows", Map.of(
                    "Origin", "https://evil.example.com", "Access-Control-Request-Method", "POST"), null);
            assertThat(evil.statusCode()).isEqualTo(204);
            assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(evil.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();

            HttpResponse<String> patch = send(server, "OPTIONS", "/api/v1/workflows/x", Map.of(
                    "Origin", CONSOLE, "Access-Control-Request-Method", "PATCH"), null);
            assertThat(patch.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
            assertThat(patch.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

            HttpResponse<String> cookie = send(server, "OPTIONS", "/api/v1/workflows", Map.of(
                    "Origin", CONSOLE, "Access-Control-Request-Method", "GET",
                    "Access-Control-Request-Headers", "x-custom-secret"), null);
            assertThat(cookie.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

            HttpResponse<String> get = send(server, "GET", "/api/v1/workflows",
                    Map.of("Origin", "https://console.example.com.evil.org"), null);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        });
    }

    @Test
    void sends_credentials_only_for_listed_origins_and_registers_no_preflight_route_when_off() throws Exception {
        CorsSettings credentials = new CorsSettings(List.of(CONSOLE), CorsSettings.DEFAULT_METHODS,
                CorsSettings.DEFAULT_HEADERS, List.of(), true, Duration.ofMinutes(1));
        withServer(s -> s.withCors(credentials), server -> {
            HttpResponse<String> list = send(server, "GET", "/api/v1/workflows", Map.of("Origin", CONSOLE), null);
            assertThat(list.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
            assertThat(list.headers().firstValue("Access-Control-Allow-Origin")).hasValue(CONSOLE);
            assertThat(server.routes()).noneMatch(r -> r.method().equals("OPTIONS")); // no route outside the matrix
        });
        withServer(UnaryOperator.identity(), server -> {
            HttpResponse<String> preflight = send(server, "OPTIONS", "/api/v1/workflows", Map.of(
                    "Origin", CONSOLE, "Access-Control-Request-Method", "POST"), null);
            assertThat(preflight.statusCode()).isGreaterThanOrEqualTo(400).isLessThan(500);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(server.routes()).noneMatch(r -> r.method().equals("OPTIONS"));
        });
    }

    @Test
    void puts_the_security_headers_on_every_response_of_every_kind() throws Exception {
        withServer(UnaryOperator.identity(), server -> {
            for (HttpResponse<String> response : List.of(
                    send(server, "GET", "/api/v1/health/live", Map.of(), null),
                    send(server, "GET", "/api/v1/workflows", Map.of(), null),
                    send(server, "GET", "/api/v1/nothing", Map.of(), null),
                    send(server, "POST", "/api/v1/workflows/validate", Map.of("Content-Type", "application/json"), "{"),
                    send(server, "DELETE", "/api/v1/health", Map.of(), null),
                    send(server, "GET", "/metrics", Map.of(), null))) {
                assertThat(response.headers().firstValue("X-Content-Type-Options")).as(response.uri().toString())
                        .hasValue("nosniff");
                assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
                assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
                assertThat(response.headers().firstValue("Content-Security-Policy"))
                        .hasValue("default-src 'none'; frame-ancestors 'none'");
                assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
                assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty(); // plain HTTP
                assertThat(response.headers().firstValue("Server")).isEmpty();
            }
        });
    }

    @Test
    void security_headers_can_be_replaced_removed_added_or_switched_off() throws Exception {
        HeaderSettings custom = new HeaderSettings(true, Map.of("x-frame-options", "SAMEORIGIN",
                "Referrer-Policy", "", "Permissions-Policy", "interest-cohort=()"));
        withServer(s -> s.withHeaders(custom), server -> {
            HttpResponse<String> live = send(server, "GET", "/api/v1/health/live", Map.of(), null);
            assertThat(live.headers().firstValue("X-Frame-Options")).hasValue("SAMEORIGIN");
            assertThat(live.headers().firstValue("Referrer-Policy")).isEmpty();
            assertThat(live.headers().firstValue("Permissions-Policy")).hasValue("interest-cohort=()");
            assertThat(live.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        });
        withServer(s -> s.withHeaders(new HeaderSettings(false, Map.of())), server -> {
            HttpResponse<String> live = send(server, "GET", "/api/v1/health/live", Map.of(), null);
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.headers().firstValue("X-Content-Type-Options")).isEmpty();
            assertThat(live.headers().firstValue("Content-Security-Policy")).isEmpty();
        });
    }
}
