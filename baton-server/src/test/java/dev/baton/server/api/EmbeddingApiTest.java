package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The one API test on the real embedding model: readiness turns 200 once it is loaded, then classify works. */
class EmbeddingApiTest {
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    @Test
    void classifies_text_through_the_api_once_the_model_is_ready() throws InterruptedException {
        server.node.awaitModel(Duration.ofMinutes(2));
        var ready = api.get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("components").get("embeddingModel").get("ready").asBoolean()).isTrue();

        String id = TestServer.uniqueId("classify");
        String source = """
                id: %s
                inputs:
                  type: object
                  properties:
                    text: {type: string}
                  required: [text]
                steps:
                  topic:
                    uses: classify
                    with:
                      text: "{{ inputs.text }}"
                      labels:
                        - name: sports
                          examples: ["the team won the football match", "a great goal in the final minute"]
                        - name: cooking
                          examples: ["bake the bread for twenty minutes", "add salt and pepper to the soup"]
                outputs:
                  label: "{{ steps.topic.output.label }}"
                  scores: "{{ steps.topic.output.scores }}"
                """.formatted(id);
        assertThat(api.post("/workflows", "application/yaml", source).status()).isEqualTo(201);

        var response = api.postJson("/workflows/" + id + "/runs?wait=60s",
                "{\"inputs\": {\"text\": \"the striker scored twice and the fans cheered the win\"}}");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode outputs = response.json().get("outputs");
        assertThat(outputs.get("label").asText()).isEqualTo("sports");
        assertThat(outputs.get("scores").get("sports").asDouble()).isGreaterThan(outputs.get("scores").get("cooking").asDouble());
    }
}
