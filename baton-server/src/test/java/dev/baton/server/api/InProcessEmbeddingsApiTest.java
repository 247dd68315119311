package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node with no {@code gateway:} configuration serves the in-process embedding model on the OpenAI-compatible
 * API out of the box: listed by {@code /v1/models}, answering {@code /v1/embeddings} with no upstream at all.
 */
class InProcessEmbeddingsApiTest {
    private final TestServer server = TestServer.get();
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String path) {
        return server.server.url().resolve(path);
    }

    @Test
    void the_in_process_model_is_an_embedding_alias_served_with_no_upstream() throws Exception {
        HttpResponse<String> models = send(HttpRequest.newBuilder(url("/v1/models")));
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(ApiClient.JSON.readTree(models.body()).get("data")).extracting(m -> m.get("id").asText())
                .contains("bge-small-en-v1.5");

        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/v1/embeddings"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"bge-small-en-v1.5\", \"input\": [\"the cat sat on the mat\", \"a kitten rested on the rug\", \"quarterly tax filing deadline\"]}")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-baton-deployment")).contains("local-bge-small-en-v1.5");
        JsonNode body = ApiClient.JSON.readTree(response.body());
        assertThat(body.get("model").asText()).isEqualTo("bge-small-en-v1.5");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isPositive();
        float[][] vectors = new float[3][];
        for (int i = 0; i < 3; i++) {
            JsonNode embedding = body.get("data").get(i).get("embedding");
            assertThat(embedding).hasSize(384);
            vectors[i] = new float[384];
            for (int j = 0; j < 384; j++) {
                vectors[i][j] = embedding.get(j).floatValue();
            }
        }
        // a real model: the two sentences about a cat are closer to each other than to the one about taxes
        assertThat(cosine(vectors[0], vectors[1])).isGreaterThan(cosine(vectors[0], vectors[2]));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
