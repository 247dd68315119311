package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.baton.ai.step.Args.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimilarityStepTest {
    private final SimilarityStep step = new SimilarityStep(SharedModel.registry(), 2);

    @Test
    void similar_sentences_score_higher_than_unrelated_ones() throws InterruptedException {
        double bread = score("A man is eating food.", "A man is eating a piece of bread.");
        double horse = score("A man is eating food.", "A man is riding a horse.");

        assertThat(bread).isGreaterThan(horse);
        assertThat(bread).isBetween(0.0, 1.0);
    }

    @Test
    void a_text_is_identical_to_itself() throws InterruptedException {
        assertThat(score("Baton runs workflows.", "Baton runs workflows.")).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void text_and_its_embedding_vector_are_interchangeable() throws InterruptedException {
        JsonNode vector = new EmbedStep(SharedModel.registry(), 0)
                .execute(TestContext.unbounded(), json("{'text': 'A man is eating food.'}")).get("embedding");
        var arguments = json("{'b': 'A man is eating a piece of bread.'}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) arguments).set("a", vector);

        double viaVector = step.execute(TestContext.unbounded(), arguments).get("score").doubleValue();

        assertThat(viaVector).isCloseTo(score("A man is eating food.", "A man is eating a piece of bread."),
                within(1e-6));
    }

    @Test
    void vectors_are_compared_without_a_model_and_need_not_be_normalised() throws InterruptedException {
        JsonNode out = step.execute(TestContext.unbounded(), json("{'a': [3, 0], 'b': [4, 4]}"));

        assertThat(out.get("score").doubleValue()).isCloseTo(Math.sqrt(0.5), within(1e-6));
    }

    @Test
    void top_k_returns_the_best_candidates_by_descending_score() throws InterruptedException {
        JsonNode out = step.execute(TestContext.unbounded(), json("""
                {'query': 'How do I reset my password?',
                 'candidates': ['The weather is sunny today.',
                                'Steps to change a forgotten account password.',
                                'A recipe for tomato soup.',
                                'Recovering access when you cannot log in.'],
                 'topK': 2}"""));

        JsonNode matches = out.get("matches");
        assertThat(matches).hasSize(2);
        assertThat(matches.get(0).get("index").intValue()).isEqualTo(1);
        assertThat(matches.get(1).get("index").intValue()).isEqualTo(3);
        assertThat(matches.get(0).get("score").doubleValue())
                .isGreaterThanOrEqualTo(matches.get(1).get("score").doubleValue());
    }

    @Test
    void equal_scores_are_ordered_by_index_and_top_k_defaults_to_five() throws InterruptedException {
        JsonNode out = step.execute(TestContext.unbounded(), json("""
                {'query': [1, 0], 'candidates': [[0, 1], [1, 0], [2, 0], [1, 1], [0, 2], [1, 0], [-1, 0]]}"""));

        JsonNode matches = out.get("matches");
        assertThat(matches).hasSize(5);
        assertThat(matches.findValuesAsText("index")).containsExactly("1", "2", "5", "3", "0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{'a': 'x'}                                        | b",
            "{'a': 'x', 'b': 'y', 'query': 'z'}                | query",
            "{}                                                | a",
            "{'a': [1, 2], 'b': [1, 2, 3]}                     | b",
            "{'a': 'text', 'b': [1, 2, 3]}                     | b",
            "{'a': [0, 0], 'b': [1, 2]}                        | a",
            "{'a': [1, 'x'], 'b': [1, 2]}                      | a[1]",
            "{'a': [1, 1e300], 'b': [1, 2]}                    | a[1]",
            "{'a': {'k': 1}, 'b': 'y'}                         | a",
            "{'query': 'q', 'candidates': []}                  | candidates",
            "{'query': 'q'}                                    | candidates",
            "{'query': 'q', 'candidates': ['a', ''], 'topK': 1} | candidates[1]",
            "{'query': 'q', 'candidates': ['a'], 'topK': 0}    | topK",
            "{'query': 'q', 'candidates': ['a'], 'topK': 1.5}  | topK",
    })
    void rejects_bad_arguments_naming_the_argument(String arguments, String field) {
        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), json(arguments)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith(field + ":");
                });
    }

    private double score(String a, String b) throws InterruptedException {
        var arguments = Args.json("{}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) arguments).put("a", a).put("b", b);
        return step.execute(TestContext.unbounded(), arguments).get("score").doubleValue();
    }
}
