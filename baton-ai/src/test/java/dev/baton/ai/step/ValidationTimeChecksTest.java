package dev.baton.ai.step;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.ai.testing.ScriptedGateway;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.core.workflow.WorkflowValidator;
import dev.baton.gateway.api.ModelKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The AI step types check their constant arguments when a workflow is validated, before any run. */
class ValidationTimeChecksTest {
    private final ScriptedGateway gateway = new ScriptedGateway().model("default", ModelKind.CHAT)
            .model("remote-embed", ModelKind.EMBEDDING);
    private final WorkflowValidator validator = new WorkflowValidator(StepRegistry.of(
            AiSteps.handlers(EmbeddingModelRegistry.of(new FakeEmbeddingModel("mini", 8)), gateway, 0)));

    private List<String> problems(String steps) {
        String yaml = "id: checks\ninputs: {type: object, properties: {m: {type: string}, t: {type: string}}}\n"
                + "steps:\n" + steps;
        BatonException e = catchThrowableOfType(BatonException.class,
                () -> validator.validate(new WorkflowParser(), yaml, "checks.yaml"));
        if (e == null) {
            return List.of();
        }
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
        return e.errors().stream().map(error -> error.field() + ": " + error.message()).toList();
    }

    @Test
    void llm_chat_model_schema_combination_and_ranges_are_checked_when_constant() {
        List<String> problems = problems("""
                  a: {uses: llm.chat, with: {model: gpt-9, prompt: hi}}
                  b: {uses: llm.chat, with: {prompt: hi, schema: {type: banana}}}
                  c: {uses: llm.chat, with: {prompt: hi, messages: [{role: user, content: x}]}}
                  d: {uses: llm.chat, with: {prompt: hi, temperature: 5}}
                  e: {uses: llm.chat, with: {messages: [{role: robot, content: x}]}}
                  f: {uses: llm.chat, with: {prompt: hi, repairAttempts: 1}}
                  g: {uses: llm.chat, with: {model: remote-embed, prompt: hi}}
                """);

        assertThat(problems).hasSize(7);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.a.with.model: unknown chat model 'gpt-9'")
                .contains("default"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.b.with.schema: is not a valid JSON Schema"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.c.with.prompt: both 'prompt' and 'messages'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.d.with.temperature: must be in [0, 2]"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.e.with.messages[0].role: must be system"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.f.with.repairAttempts: applies only with"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("steps.g.with.model: 'remote-embed' is an embedding"));
        assertThat(gateway.calls).isEmpty();
    }

    @Test
    void values_computed_by_expressions_are_left_to_run_time() {
        assertThat(problems("""
                  a: {uses: llm.chat, with: {model: "{{ inputs.m }}", prompt: "{{ inputs.t }}", temperature: 0.5}}
                  b: {uses: llm.classify, with: {text: "{{ inputs.t }}", labels: [x, y], model: "{{ inputs.m }}"}}
                  c: {uses: embed, with: {text: "{{ inputs.t }}", model: "{{ inputs.m }}"}}
                """)).isEmpty();
    }

    @Test
    void llm_classify_and_the_embedding_steps_check_their_constant_arguments() {
        List<String> problems = problems("""
                  a: {uses: llm.classify, with: {text: x, labels: [dup, dup], model: nope}}
                  b: {uses: embed, with: {text: x, model: nope}}
                  c: {uses: embed, with: {text: x, texts: [y]}}
                  d: {uses: classify, with: {text: x, labels: []}}
                  e: {uses: similarity, with: {a: x, query: y}}
                  f: {uses: similarity, with: {query: x, candidates: [y], topK: 0}}
                  g: {uses: embed, with: {text: x, model: remote-embed}}
                  h: {uses: embed, with: {text: x, model: mini}}
                """);

        assertThat(problems).containsExactlyInAnyOrder(
                "steps.a.with.labels[1].name: duplicate label 'dup'",
                "steps.a.with.model: unknown chat model 'nope'; the gateway serves: default",
                "steps.b.with.model: unknown embedding model 'nope'; in-process models: [mini], gateway embedding "
                        + "models: [remote-embed]",
                "steps.c.with.text: both 'text' and 'texts' given; give exactly one: 'text' (a string) or 'texts' "
                        + "(a list of strings)",
                "steps.d.with.labels: must be a non-empty list of label names or {name, description?, examples?} "
                        + "objects, got an empty list",
                "steps.e.with.query: give either 'a' and 'b', or 'query' and 'candidates' (with optional 'topK')",
                "steps.f.with.topK: must be in 1..100000, got 0");
    }

    @Test
    void problems_carry_the_source_position() {
        BatonException e = catchThrowableOfType(BatonException.class, () -> validator.validate(new WorkflowParser(), """
                id: pos
                steps:
                  ask:
                    uses: llm.chat
                    with:
                      prompt: hi
                      model: gpt-9
                """, "pos.yaml"));

        FieldError error = e.errors().getFirst();
        assertThat(error.field()).isEqualTo("steps.ask.with.model");
        assertThat(error.location()).isNotNull();
        assertThat(error.location().line()).isEqualTo(7);
    }
}
