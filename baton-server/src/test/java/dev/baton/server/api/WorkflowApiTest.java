package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowApiTest {
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    static String greet(String id, String greeting) {
        return """
                id: %s
                description: greets someone
                inputs:
                  type: object
                  properties:
                    name: {type: string}
                  required: [name]
                steps:
                  hello:
                    uses: transform
                    with:
                      value: "%s {{ inputs.name }}"
                outputs:
                  greeting: "{{ steps.hello.output }}"
                """.formatted(id, greeting);
    }

    @Test
    void registers_yaml_then_returns_the_same_version_for_an_identical_source() {
        String id = TestServer.uniqueId("greet");
        var first = api.post("/workflows", "application/yaml", greet(id, "Hello"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).isEqualTo("/api/v1/workflows/" + id);
        assertThat(first.json().get("id").asText()).isEqualTo(id);
        assertThat(first.json().get("version").asInt()).isEqualTo(1);
        assertThat(first.json().get("description").asText()).isEqualTo("greets someone");

        var again = api.post("/workflows", "text/yaml", greet(id, "Hello"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void registers_json_documents_and_json_wrapped_sources() {
        String id = TestServer.uniqueId("json");
        String document = """
                {"id": "%s", "steps": {"a": {"uses": "transform", "with": {"value": 1}}}}""".formatted(id);
        var direct = api.postJson("/workflows", document);
        assertThat(direct.status()).as(direct.text()).isEqualTo(201);

        String wrapped = ApiClient.JSON.createObjectNode().put("source", greet(id, "Hi")).toString();
        var second = api.postJson("/workflows", wrapped);
        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(second.json().get("version").asInt()).isEqualTo(2);
    }

    @Test
    void put_stores_a_new_version_and_get_returns_latest_or_the_asked_version() {
        String id = TestServer.uniqueId("versions");
        assertThat(api.put("/workflows/" + id, "application/yaml", greet(id, "Hello")).status()).isEqualTo(201);
        var v2 = api.put("/workflows/" + id, "application/yaml", greet(id, "Bonjour"));
        assertThat(v2.status()).isEqualTo(200);
        assertThat(v2.json().get("version").asInt()).isEqualTo(2);

        JsonNode latest = api.get("/workflows/" + id).json();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("source").asText()).contains("Bonjour");
        assertThat(api.get("/workflows/" + id + "?version=1").json().get("source").asText()).contains("Hello");
        assertThat(api.get("/workflows/" + id + "/versions/1").json().get("version").asInt()).isEqualTo(1);
        assertThat(api.get("/workflows/" + id + "/versions/9").status()).isEqualTo(404);
    }

    @Test
    void put_refuses_a_document_whose_id_differs_from_the_url() {
        String id = TestServer.uniqueId("mismatch");
        var response = api.put("/workflows/" + id, "application/yaml", greet("other-" + id, "Hello"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("id");
    }

    @Test
    void lists_and_deletes_workflows() {
        String id = TestServer.uniqueId("listed");
        api.post("/workflows", "application/yaml", greet(id, "Hello"));
        assertThat(api.get("/workflows").json().get("items").findValuesAsText("id")).contains(id);

        assertThat(api.delete("/workflows/" + id).status()).isEqualTo(204);
        assertThat(api.get("/workflows/" + id).status()).isEqualTo(404);
        assertThat(api.get("/workflows").json().get("items").findValuesAsText("id")).doesNotContain(id);
        assertThat(api.get("/workflows/" + id + "/versions/1").status()).as("versions stay readable").isEqualTo(200);
        assertThat(api.delete("/workflows/" + id).status()).isEqualTo(404);
    }

    @Test
    void validate_accepts_a_valid_definition_without_registering_it() {
        String id = TestServer.uniqueId("validated");
        var response = api.post("/workflows/validate", "application/yaml", greet(id, "Hello"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("valid").asBoolean()).isTrue();
        assertThat(response.json().get("steps").get(0).asText()).isEqualTo("hello");
        assertThat(api.get("/workflows/" + id).status()).isEqualTo(404);
    }

    @Test
    void malformed_yaml_is_a_problem_with_line_and_column() {
        var response = api.post("/workflows/validate", "application/yaml", "id: broken\nsteps:\n  a: [unclosed\n");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("code").asText()).isEqualTo("invalid-workflow");
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("line").asInt()).isPositive();
        assertThat(error.get("column").asInt()).isPositive();
    }

    @Test
    void malformed_json_definition_is_a_problem_with_line_and_column() {
        var response = api.post("/workflows", "application/json", "{\n  \"id\": \"x\",\n  \"steps\": {,\n}");
        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("line").asInt()).isEqualTo(3);
    }

    @Test
    void unknown_fields_and_cycles_are_reported_with_their_field() {
        String unknown = """
                id: unknown-field
                steps:
                  a:
                    uses: transform
                    with: {value: 1}
                    retires: 3
                """;
        var response = api.post("/workflows/validate", "application/yaml", unknown);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").toString()).contains("retires");

        String cycle = """
                id: cyclic
                steps:
                  a: {uses: transform, with: {value: 1}, needs: [b]}
                  b: {uses: transform, with: {value: 2}, needs: [a]}
                """;
        var cyclic = api.post("/workflows/validate", "application/yaml", cycle);
        assertThat(cyclic.status()).isEqualTo(400);
        assertThat(cyclic.json().get("detail").asText() + cyclic.json().get("errors")).containsIgnoringCase("cycle");
    }

    @Test
    void unsupported_media_type_is_415() {
        var response = api.post("/workflows", "application/xml", "<workflow/>");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.json().get("code").asText()).isEqualTo("unsupported-media-type");
    }

    @Test
    void an_empty_definition_names_the_body() {
        var response = api.post("/workflows", "application/yaml", "  ");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
    }
}
