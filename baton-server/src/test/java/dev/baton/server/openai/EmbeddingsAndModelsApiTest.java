package dev.baton.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1/embeddings} and {@code /v1/models} over real HTTP against a scripted gateway. */
class EmbeddingsAndModelsApiTest {
    private static final ScriptedServer SERVER = new ScriptedServer(ClientKeys.open());
    private final ScriptedGateway gateway = SERVER.gateway;

    @AfterAll
    static void close() {
        SERVER.close();
    }

    @Test
    void embeds_a_string_input_as_float_arrays() {
        var response = SERVER.post("/v1/embeddings", "{\"model\": \"vectors\", \"input\": \"hello\", \"dimensions\": 3}");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(gateway.lastEmbedding.input()).containsExactly("hello");
        assertThat(gateway.lastEmbedding.dimensions()).isEqualTo(3);
        JsonNode body = response.json();
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("model").asText()).isEqualTo("vectors");
        JsonNode item = body.get("data").get(0);
        assertThat(item.get("object").asText()).isEqualTo("embedding");
        assertThat(item.get("index").asInt()).isZero();
        assertThat(item.get("embedding").get(0).floatValue()).isEqualTo(0.5f);
        assertThat(item.get("embedding").get(2).floatValue()).isEqualTo(3.0e-5f);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(4);
        assertThat(response.header("x-baton-cache")).isEqualTo("hit");
        assertThat(response.header("x-baton-deployment")).isEqualTo("local");
    }

    @Test
    void base64_encoding_is_little_endian_float32_as_the_official_sdks_decode_it() {
        var response = SERVER.post("/v1/embeddings",
                "{\"model\": \"vectors\", \"input\": [\"a\", \"b\"], \"encoding_format\": \"base64\"}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(gateway.lastEmbedding.input()).containsExactly("a", "b");
        JsonNode second = response.json().get("data").get(1);
        assertThat(second.get("index").asInt()).isEqualTo(1);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(second.get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(3 * Float.BYTES);
        assertThat(bytes.getFloat()).isEqualTo(1.5f);
        assertThat(bytes.getFloat()).isEqualTo(-1.25f);
        assertThat(bytes.getFloat()).isEqualTo(3.0e-5f);
    }

    @Test
    void bad_embedding_requests_name_the_parameter() {
        assertParam("{\"model\": \"vectors\"}", "input");
        assertParam("{\"model\": \"vectors\", \"input\": [[1, 2, 3]]}", "input[0]");
        assertParam("{\"model\": \"vectors\", \"input\": [\"ok\", \"\"]}", "input[1]");
        assertParam("{\"model\": \"vectors\", \"input\": \"x\", \"encoding_format\": \"int8\"}", "encoding_format");
        assertParam("{\"model\": \"vectors\", \"input\": \"x\", \"dimensions\": 0}", "dimensions");
        assertParam("{\"model\": \"vectors\", \"input\": \"x\", \"extra\": 1}", "extra");
    }

    private static void assertParam(String body, String param) {
        var response = SERVER.post("/v1/embeddings", body);
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.error().get("param").asText()).as(response.text()).isEqualTo(param);
    }

    @Test
    void lists_every_model_alias_in_openai_list_shape() {
        var response = SERVER.get("/v1/models");

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("data")).extracting(m -> m.get("id").asText())
                .containsExactly("fast", "org/model-x", "vectors");
        assertThat(body.get("data")).allSatisfy(m -> {
            assertThat(m.get("object").asText()).isEqualTo("model");
            assertThat(m.get("owned_by").asText()).isEqualTo("baton");
            assertThat(m.get("created").asLong()).isPositive();
        });
    }

    @Test
    void retrieves_one_model_even_with_a_slash_in_its_name_and_404s_an_unknown_one() {
        assertThat(SERVER.get("/v1/models/fast").json().get("id").asText()).isEqualTo("fast");
        assertThat(SERVER.get("/v1/models/org/model-x").json().get("id").asText()).isEqualTo("org/model-x");
        var missing = SERVER.get("/v1/models/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error().get("code").asText()).isEqualTo("model_not_found");
        assertThat(missing.error().get("param").asText()).isEqualTo("model");
    }

    @Test
    void unknown_v1_routes_and_methods_answer_in_openai_error_shape() {
        var unknown = SERVER.get("/v1/assistants");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error().get("message").asText()).contains("/v1/assistants");
        var method = SERVER.get("/v1/chat/completions");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.error().get("type").asText()).isEqualTo("invalid_request_error");
    }
}
