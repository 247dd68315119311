package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.testing.ScriptedGateway;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.ResponseFormat;
import dev.baton.gateway.api.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmClassifyStepTest {
    private static final String LABELS = """
            'labels': [{'name': 'bug', 'description': 'Something is broken', 'examples': ['It crashes on start']},
                       'feature', {'name': 'question'}]""";

    private final ScriptedGateway gateway = new ScriptedGateway().model("default", ModelKind.CHAT)
            .model("small", ModelKind.CHAT);
    private final LlmClassifyStep step = new LlmClassifyStep(gateway);

    private JsonNode run(String arguments) throws InterruptedException {
        return step.execute(TestContext.unbounded(), Args.json(arguments));
    }

    @Test
    void the_model_picks_one_label_through_a_strict_schema_whose_label_is_an_enum_of_the_names() throws Exception {
        gateway.answers("{\"label\": \"bug\", \"reason\": \"The app crashes.\"}");

        JsonNode output = run("{'text': 'The app crashes when I click save.', 'model': 'small', "
                + "'instructions': 'Prefer bug when in doubt.', " + LABELS + "}");

        ChatRequest request = gateway.chatRequests().getFirst();
        assertThat(request.model()).isEqualTo("small");
        assertThat(request.temperature()).isEqualTo(0.0);
        assertThat(request.messages()).extracting(m -> m.role()).containsExactly(Role.SYSTEM, Role.USER);
        assertThat(request.messages().get(0).content())
                .contains("- bug: Something is broken", "example: It crashes on start", "- feature\n", "- question\n",
                        "Prefer bug when in doubt.");
        assertThat(request.messages().get(1).content()).isEqualTo("The app crashes when I click save.");
        assertThat(request.responseFormat()).isInstanceOfSatisfying(ResponseFormat.JsonSchema.class, format -> {
            assertThat(format.strict()).isTrue();
            assertThat(format.schema().at("/properties/label/enum").toString())
                    .isEqualTo("[\"bug\",\"feature\",\"question\"]");
            assertThat(format.schema().get("required").toString()).isEqualTo("[\"label\",\"reason\"]");
            assertThat(format.schema().get("additionalProperties").asBoolean()).isFalse();
        });
        assertThat(output.get("label").asText()).isEqualTo("bug");
        assertThat(output.get("reason").asText()).isEqualTo("The app crashes.");
        assertThat(output.get("model").asText()).isEqualTo("small");
        assertThat(output.get("deployment").asText()).isEqualTo("small-1");
        assertThat(output.at("/usage/inputTokens").asLong()).isEqualTo(10);
        assertThat(output.has("costUsd")).isTrue();
    }

    @Test
    void a_label_that_is_not_one_of_the_names_is_repaired() throws Exception {
        gateway.answers("{\"label\": \"Bug report\", \"reason\": \"x\"}", "{\"label\": \"bug\", \"reason\": \"x\"}");

        JsonNode output = run("{'text': 'It crashes', 'model': 'default', " + LABELS + "}");

        assertThat(gateway.chatRequests()).hasSize(2);
        assertThat(gateway.chatRequests().get(1).messages().getLast().content()).contains("label");
        assertThat(output.get("label").asText()).isEqualTo("bug");
        assertThat(output.get("calls").asInt()).isEqualTo(2);
    }

    @Test
    void an_answer_still_outside_the_labels_fails_the_step() {
        gateway.answers("{\"label\": \"other\", \"reason\": \"x\"}", "{\"label\": \"other\", \"reason\": \"x\"}");

        assertThatThrownBy(() -> run("{'text': 'It crashes', " + LABELS + "}"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STEP_FAILED);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("label");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {'labels': ['a']}                                 | text
            {'text': 'x'}                                     | labels
            {'text': 'x', 'labels': []}                       | labels
            {'text': 'x', 'labels': ['a', 'a']}               | labels[1].name
            {'text': 'x', 'labels': ['a'], 'instructions': 1} | instructions
            {'text': 'x', 'labels': ['a'], 'repairAttempts': -1} | repairAttempts
            {'text': 'x', 'labels': ['a'], 'model': 'nope'}   | model
            """)
    void bad_arguments_are_invalid_arguments_naming_the_field(String arguments, String field) {
        assertThatThrownBy(() -> run(arguments)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.errors()).extracting(error -> error.field()).containsExactly(field);
        });
        assertThat(gateway.calls).isEmpty();
    }

    @Test
    void text_and_labels_are_required_by_the_signature() {
        assertThat(step.type()).isEqualTo("llm.classify");
        assertThat(step.signature().required()).containsExactlyInAnyOrder("text", "labels");
        assertThat(step.signature().optional()).containsExactlyInAnyOrder("model", "instructions", "repairAttempts");
    }
}
