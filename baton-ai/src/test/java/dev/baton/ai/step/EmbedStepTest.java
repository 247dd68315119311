package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.Vectors;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.baton.ai.step.Args.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EmbedStepTest {
    private final EmbedStep step = new EmbedStep(SharedModel.registry(), 2);

    @Test
    void embeds_one_text_into_a_normalised_384_dimensional_vector() throws InterruptedException {
        JsonNode out = step.execute(TestContext.unbounded(), json("{'text': 'A man is eating food.'}"));

        assertThat(out.get("dimensions").intValue()).isEqualTo(384);
        assertThat(out.get("model").textValue()).isEqualTo("bge-small-en-v1.5");
        assertThat(out.get("embedding")).hasSize(384);
        assertThat(Vectors.norm(vector(out.get("embedding")))).isCloseTo(1.0, within(1e-5));
        assertThat(out.has("count")).isFalse();
    }

    @Test
    void embeds_a_list_of_texts_in_order() throws InterruptedException {
        JsonNode many = step.execute(TestContext.unbounded(),
                json("{'texts': ['The cat sleeps.', 'Interest rates rose.'], 'model': 'bge-small-en-v1.5'}"));
        JsonNode one = step.execute(TestContext.unbounded(), json("{'text': 'Interest rates rose.'}"));

        assertThat(many.get("count").intValue()).isEqualTo(2);
        assertThat(many.get("embeddings")).hasSize(2);
        assertThat(many.get("embeddings").get(1)).isEqualTo(one.get("embedding"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{'text': 'a', 'texts': ['b']}  | text",
            "{}                             | text",
            "{'texts': []}                  | texts",
            "{'texts': ['ok', '   ']}       | texts[1]",
            "{'texts': 'not a list'}        | texts",
            "{'text': 42}                   | text",
            "{'text': ''}                   | text",
            "{'text': 'a', 'model': 'nope'} | model",
    })
    void rejects_bad_arguments_naming_the_argument(String arguments, String field) {
        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), json(arguments)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).startsWith(field + ":");
                });
    }

    @Test
    void declares_its_arguments_and_a_cpu_bound_concurrency_limit() {
        assertThat(step.type()).isEqualTo("embed");
        assertThat(step.signature().optional()).containsExactlyInAnyOrder("text", "texts", "model");
        assertThat(step.concurrencyLimit()).isEqualTo(2);
    }

    static float[] vector(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).floatValue();
        }
        return v;
    }
}
