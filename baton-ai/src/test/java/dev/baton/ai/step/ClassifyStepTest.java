package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;

import static dev.baton.ai.step.Args.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassifyStepTest {
    private static final JsonNode LABELS = json("""
            [ {'name': 'sports', 'description': 'sports, games, athletes and competitions',
               'examples': ['The striker scored twice in the second half.']},
              {'name': 'finance', 'description': 'money, markets, banking and the economy',
               'examples': ['Shares of the bank dropped after the earnings report.']},
              {'name': 'technology', 'description': 'computers, software, gadgets and the internet',
               'examples': ['The new phone ships with a faster chip.']} ]""");

    /** Hand-written for this test. */
    private static final Map<String, String> DOCUMENTS = Map.ofEntries(
            Map.entry("The goalkeeper saved a penalty in the final minute of the match.", "sports"),
            Map.entry("She won the marathon in record time despite the heat.", "sports"),
            Map.entry("The tennis champion lost in straight sets at the open.", "sports"),
            Map.entry("Our basketball team signed a new point guard for the season.", "sports"),
            Map.entry("The central bank raised interest rates by a quarter point.", "finance"),
            Map.entry("Investors sold bonds as inflation fears grew.", "finance"),
            Map.entry("The company reported quarterly revenue above analyst expectations.", "finance"),
            Map.entry("Mortgage lenders tightened credit for first-time buyers.", "finance"),
            Map.entry("The update fixes a bug that crashed the web browser.", "technology"),
            Map.entry("Engineers trained a neural network on millions of images.", "technology"),
            Map.entry("The laptop has sixteen gigabytes of memory and a solid-state drive.", "technology"),
            Map.entry("Developers can now deploy containers to the cloud with one command.", "technology"));

    private final ClassifyStep step = new ClassifyStep(SharedModel.registry(), 2);

    @Test
    void labels_every_hand_written_document_correctly() throws InterruptedException {
        for (var document : DOCUMENTS.entrySet()) {
            JsonNode out = step.execute(TestContext.unbounded(), arguments(document.getKey()));

            assertThat(out.get("label").textValue()).as(document.getKey()).isEqualTo(document.getValue());
            assertThat(out.get("scores").size()).isEqualTo(3);
            assertThat(out.get("score").doubleValue())
                    .isEqualTo(out.get("scores").get(document.getValue()).doubleValue());
        }
    }

    @Test
    void embeds_the_labels_once_for_many_documents_with_the_same_labels() throws Exception {
        ClassifyStep fresh = new ClassifyStep(SharedModel.registry(), 2);
        List<Future<JsonNode>> results = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                String text = DOCUMENTS.keySet().stream().toList().get(i % DOCUMENTS.size());
                results.add(executor.submit(() -> fresh.execute(TestContext.unbounded(), arguments(text))));
            }
        }
        for (Future<JsonNode> result : results) {
            assertThat(result.get().get("label").isTextual()).isTrue();
        }

        assertThat(fresh.centroidComputations()).isEqualTo(1);
    }

    @Test
    void is_deterministic() throws InterruptedException {
        JsonNode first = step.execute(TestContext.unbounded(), arguments("Stocks rallied on Friday."));
        JsonNode second = new ClassifyStep(SharedModel.registry(), 2)
                .execute(TestContext.unbounded(), arguments("Stocks rallied on Friday."));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void accepts_plain_label_names() throws InterruptedException {
        JsonNode out = step.execute(TestContext.unbounded(),
                json("{'text': 'I adopted a puppy and a kitten.', 'labels': ['animals', 'weather', 'politics']}"));

        assertThat(out.get("label").textValue()).isEqualTo("animals");
        assertThat(out.get("scores").fieldNames()).toIterable().containsExactly("animals", "weather", "politics");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{'text': 'x', 'labels': []}                                  | labels",
            "{'text': 'x'}                                                | labels",
            "{'text': 'x', 'labels': 'sports'}                            | labels",
            "{'text': 'x', 'labels': ['a', 'b', 'a']}                     | labels[2].name",
            "{'text': 'x', 'labels': ['a', {'name': 'a'}]}                | labels[1].name",
            "{'text': 'x', 'labels': [{'description': 'd'}]}              | labels[0].name",
            "{'text': 'x', 'labels': [{'name': 'a', 'colour': 'red'}]}    | labels[0].colour",
            "{'text': 'x', 'labels': [{'name': 'a', 'examples': [' ']}]}  | labels[0].examples[0]",
            "{'text': 'x', 'labels': [7]}                                 | labels[0]",
            "{'text': '  ', 'labels': ['a']}                              | text",
            "{'labels': ['a']}                                            | text",
    })
    void rejects_bad_arguments_naming_the_argument(String arguments, String field) {
        assertThatThrownBy(() -> step.execute(TestContext.unbounded(), json(arguments)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith(field + ":");
                });
    }

    private static JsonNode arguments(String text) {
        ObjectNode arguments = Json.NODES.objectNode();
        arguments.put("text", text);
        arguments.set("labels", LABELS);
        return arguments;
    }
}
