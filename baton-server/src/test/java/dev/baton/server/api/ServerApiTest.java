package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Health, OpenAPI, templates, request ids and the generic error shapes. */
class ServerApiTest {
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    @Test
    void liveness_is_200_and_readiness_reports_each_component() {
        assertThat(api.get("/health/live").status()).isEqualTo(200);
        var ready = api.get("/health/ready");
        assertThat(ready.status()).isIn(200, 503);
        JsonNode components = ready.json().get("components");
        assertThat(components.get("store").get("ready").asBoolean()).isTrue();
        assertThat(components.has("embeddingModel")).isTrue();
        if (ready.status() == 503) {
            assertThat(ready.header("Retry-After")).isEqualTo("5");
            assertThat(components.get("embeddingModel").get("ready").asBoolean()).isFalse();
        }
    }

    @Test
    void every_route_is_documented_and_every_documented_route_is_served() {
        JsonNode doc = api.get("/openapi.json").json();
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        String base = doc.get("servers").get(0).get("url").asText();
        Set<String> documented = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            // a path may have servers of its own (the OpenAI-compatible API under /v1; health also at the root)
            List<String> pathBases = new ArrayList<>();
            if (path.getValue().has("servers")) {
                path.getValue().get("servers").forEach(s -> pathBases.add(s.get("url").asText()));
            } else {
                pathBases.add(base);
            }
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("servers")) {
                    pathBases.forEach(pathBase -> documented.add(method.toUpperCase() + " " + pathBase + path.getKey()));
                }
            });
        }
        Set<String> served = new HashSet<>();
        for (BatonServer.Route route : server.server.routes()) {
            // Javalin's <id> (may contain slashes) is OpenAPI's {id}
            served.add(route.method() + " " + route.path().replaceAll("<([^>]+)>", "{$1}"));
        }
        assertThat(served).isNotEmpty().containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void every_response_carries_a_request_id_and_echoes_a_given_one() {
        assertThat(api.get("/health/live").header("X-Request-Id")).isNotBlank();
        var echoed = api.get("/runs/missing", Map.of("X-Request-Id", "trace-123"));
        assertThat(echoed.header("X-Request-Id")).isEqualTo("trace-123");
        assertThat(echoed.json().get("requestId").asText()).isEqualTo("trace-123");
    }

    @Test
    void problems_have_the_rfc_9457_shape() {
        var response = api.get("/workflows/missing-workflow");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asText()).isEqualTo("urn:baton:problem:not-found");
        assertThat(problem.get("title").asText()).isEqualTo("Not Found");
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("detail").asText()).contains("missing-workflow");
        assertThat(problem.get("instance").asText()).isEqualTo("/api/v1/workflows/missing-workflow");
        assertThat(problem.get("code").asText()).isEqualTo("not-found");
        assertThat(problem.get("errors").isArray()).isTrue();
    }

    @Test
    void unknown_routes_are_404_problems() {
        var response = api.get("/no/such/route");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("not-found");
    }

    @Test
    void a_wrong_method_on_a_known_path_is_a_405_problem() {
        var response = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/runs"))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()), Map.of());
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("method-not-allowed");
    }

    @Test
    void the_bundled_examples_are_templates_that_register() {
        JsonNode items = api.get("/templates").json().get("items");
        assertThat(items.findValuesAsText("name")).contains("classify-documents", "near-duplicates");
        String id = TestServer.uniqueId("classify-documents");
        var created = api.postJson("/templates/classify-documents", "{\"id\": \"" + id + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(api.get("/workflows/" + id).json().get("source").asText()).contains("classify");
    }

    @Test
    void templates_are_listed_and_instantiated_under_a_new_id() {
        JsonNode items = api.get("/templates").json().get("items");
        assertThat(items.findValuesAsText("name")).contains("echo");
        assertThat(api.get("/templates/echo").json().get("source").asText()).contains("transform");

        String id = TestServer.uniqueId("from-template");
        var created = api.postJson("/templates/echo", "{\"id\": \"" + id + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("id").asText()).isEqualTo(id);
        var run = api.postJson("/workflows/" + id + "/runs?wait=10s", "{\"inputs\": {\"text\": \"hi\"}}");
        assertThat(run.json().get("status").asText()).isEqualTo("succeeded");

        assertThat(api.postJson("/templates/nope", "").status()).isEqualTo(404);
        assertThat(api.postJson("/templates/echo", "{\"name\": \"x\"}").json().get("errors").get(0).get("field").asText())
                .isEqualTo("name");
        assertThat(api.postJson("/templates/echo", "{\"id\": \"bad id!\"}").status()).isEqualTo(400);
    }
}
