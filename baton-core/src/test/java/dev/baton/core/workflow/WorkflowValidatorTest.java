package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A handler that only declares a signature, like baton-steps' http (which accepts secrets in headers and body). */
    record FakeHandler(String type, StepSignature signature) implements StepHandler {
        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) {
            return arguments;
        }
    }

    static final StepRegistry REGISTRY = StepRegistry.of(List.of(
            new FakeHandler("http", new StepSignature(Set.of("url"), Set.of("method", "headers", "query", "body", "expectStatus", "timeout"),
                    Set.of("headers.*", "body"))),
            new FakeHandler("embed", new StepSignature(Set.of(), Set.of("text", "texts", "model")))));

    /** The handler types of STEP-TYPES.md: http, embed, similarity, classify. */
    static final StepRegistry REGISTRY_WITH_AI = StepRegistry.of(List.of(
            new FakeHandler("http", new StepSignature(Set.of("url"), Set.of("method", "headers", "query", "body", "expectStatus", "timeout"),
                    Set.of("headers.*", "body"))),
            new FakeHandler("embed", new StepSignature(Set.of(), Set.of("text", "texts", "model"))),
            new FakeHandler("similarity", new StepSignature(Set.of(), Set.of("a", "b", "query", "candidates", "topK", "model"))),
            new FakeHandler("classify", new StepSignature(Set.of("text", "labels"), Set.of("model"))),
            new FakeHandler("llm.chat", new StepSignature(Set.of(), Set.of("model", "messages", "prompt", "system",
                    "temperature", "topP", "maxTokens", "stop", "seed", "schema", "repairAttempts", "cache"))),
            new FakeHandler("llm.classify", new StepSignature(Set.of("text", "labels"),
                    Set.of("model", "instructions", "repairAttempts")))));

    private final WorkflowParser parser = new WorkflowParser();
    private final WorkflowValidator validator = new WorkflowValidator(REGISTRY);

    private List<FieldError> errors(String yaml) {
        ParsedWorkflow parsed = parser.read(yaml, "wf.yaml");
        try {
            validator.validate(parsed);
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
            return e.errors();
        }
        throw new AssertionError("expected the workflow to be rejected");
    }

    /** A handler that also checks its constant arguments: {@code size} must be at most 10, {@code a}/{@code b} exclusive. */
    record CheckingHandler() implements StepHandler {
        @Override
        public String type() {
            return "sized";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of("size", "a", "b", "list"));
        }

        @Override
        public List<FieldError> checkArguments(Set<String> names, java.util.Map<String, JsonNode> constants) {
            List<FieldError> problems = new java.util.ArrayList<>();
            JsonNode size = constants.get("size");
            if (size != null && size.asInt() > 10) {
                problems.add(new FieldError("size", "must be at most 10, got " + size.asInt()));
            }
            if (names.contains("a") && names.contains("b")) {
                problems.add(new FieldError("b", "give 'a' or 'b', not both"));
            }
            if (constants.containsKey("list")) {
                problems.add(new FieldError("list[1]", "is bad"));
            }
            return problems;
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) {
            return arguments;
        }
    }

    @Test
    void handlers_check_constant_arguments_and_expressions_are_left_to_run_time() {
        StepRegistry registry = StepRegistry.of(List.of(new CheckingHandler()));
        WorkflowValidator checking = new WorkflowValidator(registry);
        String yaml = """
                id: x
                inputs: {type: object, properties: {n: {type: integer}}}
                steps:
                  big: {uses: sized, with: {size: 11, list: [1, 2]}}
                  both: {uses: sized, with: {a: 1, b: "{{ inputs.n }}"}}
                  computed: {uses: sized, with: {size: "{{ inputs.n }}"}}
                  each:
                    uses: map
                    with: {items: [1], step: {uses: sized, with: {size: 12}}}
                """;

        assertThatThrownBy(() -> checking.validate(parser, yaml, "wf.yaml"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::message)
                        .containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("steps.big.with.size", "must be at most 10, got 11"),
                                org.assertj.core.groups.Tuple.tuple("steps.big.with.list[1]", "is bad"),
                                org.assertj.core.groups.Tuple.tuple("steps.both.with.b", "give 'a' or 'b', not both"),
                                org.assertj.core.groups.Tuple.tuple("steps.each.with.step.with.size",
                                        "must be at most 10, got 12")));
        assertThat(checking.validate(parser, """
                id: y
                steps:
                  fine: {uses: sized, with: {size: 3}}
                """, "y.yaml").steps()).containsKey("fine");
    }

    @Test
    void accepts_a_valid_workflow_with_every_built_in_type() {
        Workflow wf = parser.parse("""
                id: all-types
                inputs:
                  type: object
                  properties:
                    urls: {type: array, items: {type: string}}
                  required: [urls]
                steps:
                  pause: {uses: sleep, with: {duration: 1m30s}}
                  shape: {uses: transform, with: {value: {n: "{{ size(inputs.urls) }}"}}}
                  fetch:
                    uses: map
                    with:
                      items: "{{ inputs.urls }}"
                      concurrency: 4
                      step: {uses: http, with: {url: "{{ item }}"}, onError: continue}
                  child: {uses: workflow, needs: [pause], with: {workflow: other, version: 2, inputs: {x: 1}}}
                  each: {uses: map, with: {items: [1, 2], workflow: other, inputs: {x: "{{ item }}"}}}
                outputs:
                  pages: "{{ steps.fetch.output }}"
                """, "ok.yaml");
        assertThat(validator.validate(wf)).isSameAs(wf);
    }

    @Test
    void unknown_step_types_and_arguments_are_reported_with_suggestions() {
        List<FieldError> errors = errors("""
                id: x
                steps:
                  a: {uses: htp, with: {url: "http://x"}}
                  b: {uses: http, with: {uri: "http://x"}}
                  c: {uses: llm.chat}
                """);
        assertThat(errors).containsExactly(
                new FieldError("steps.a.uses", "unknown step type 'htp'; did you mean 'http'?", new SourceLocation("wf.yaml", 3, 7)),
                new FieldError("steps.b.with", "step type 'http' needs argument 'url'", new SourceLocation("wf.yaml", 4, 19)),
                new FieldError("steps.b.with.uri", "unknown argument 'uri' for step type 'http'; did you mean 'url'?",
                        new SourceLocation("wf.yaml", 4, 26)),
                new FieldError("steps.c.uses", "unknown step type 'llm.chat'; known types: embed, http, map, sleep, transform, workflow",
                        new SourceLocation("wf.yaml", 5, 7)));
    }

    @Test
    void needs_and_expressions_naming_missing_steps_are_reported() {
        List<FieldError> errors = errors("""
                id: x
                steps:
                  fetch: {uses: transform, with: {value: 1}}
                  b:
                    uses: transform
                    needs: [fetch, fecth]
                    if: "{{ steps.nope.output }}"
                    with: {value: "{{ steps.fetsh.output }}"}
                outputs:
                  o: "{{ steps.gone.output }}"
                """);
        assertThat(errors).extracting(FieldError::toString).containsExactly(
                "wf.yaml:6:20: steps.b.needs[1]: step 'b' needs 'fecth', which is not a step of this workflow; did you mean 'fetch'?",
                "wf.yaml:7:5: steps.b.if: an expression of step 'b' reads steps.nope, but the workflow has no step 'nope'",
                "wf.yaml:8:12: steps.b.with.value: an expression of step 'b' reads steps.fetsh, but the workflow has no step 'fetsh'; did you mean 'fetch'?",
                "wf.yaml:10:3: outputs.o: an expression of outputs reads steps.gone, but the workflow has no step 'gone'");
    }

    @Test
    void dependency_cycles_are_named() {
        List<FieldError> errors = errors("""
                id: x
                steps:
                  a: {uses: transform, needs: c, with: {value: 1}}
                  b: {uses: transform, with: {value: "{{ steps.a.output }}"}}
                  c: {uses: transform, needs: [b], with: {value: 1}}
                  d: {uses: transform, with: {value: "{{ steps.d.output }}"}}
                """);
        assertThat(errors).extracting(FieldError::toString).containsExactly(
                "wf.yaml:3:3: steps.a: dependency cycle: a -> c -> b -> a (each step waits for the next); remove a 'needs' or an expression reading steps.<id>",
                "wf.yaml:6:3: steps.d: dependency cycle: d -> d (each step waits for the next); remove a 'needs' or an expression reading steps.<id>");
    }

    @Test
    void ids_built_in_arguments_and_the_input_schema_are_checked() {
        List<FieldError> errors = errors("""
                id: "bad id"
                inputs:
                  type: object
                  properties:
                    n: {type: strin}
                    r: {$ref: "http://example.com/s.json"}
                steps:
                  1st: {uses: sleep, with: {duration: forever}}
                  m: {uses: map, with: {items: [1], concurrency: 0, step: {uses: http, with: {}}}}
                  w: {uses: workflow, with: {workflow: "no such", version: -1}}
                """);
        assertThat(errors).extracting(FieldError::field).containsExactly(
                "id", "inputs.properties.n.type", "inputs.properties.r.$ref", "steps.1st", "steps.1st.with.duration",
                "steps.m.with.concurrency", "steps.m.with.step.with", "steps.w.with.workflow", "steps.w.with.version");
        assertThat(errors.get(2).message()).isEqualTo("only references within the schema ('#/$defs/...') are allowed,"
                + " got 'http://example.com/s.json'");
        assertThat(errors.get(5).message()).isEqualTo("must be a whole number between 1 and 1000, got the number 0");
        assertThat(errors.get(6).message()).isEqualTo("step type 'http' needs argument 'url'");
    }

    @Test
    void run_inputs_are_validated_against_the_schema_with_defaults() throws Exception {
        Workflow wf = validator.validate(parser.parse("""
                id: x
                inputs:
                  type: object
                  properties:
                    name: {type: string}
                    n: {type: integer, minimum: 1, default: 5}
                    opts: {type: object, properties: {deep: {type: boolean, default: true}}}
                  required: [name]
                  additionalProperties: false
                steps:
                  a: {uses: transform, with: {value: 1}}
                """, "x.yaml"));
        InputValidator inputs = validator.inputValidator();
        assertThat(inputs.validate(wf, JSON.readTree("{\"name\": \"a\", \"opts\": {}}")))
                .isEqualTo(JSON.readTree("{\"name\": \"a\", \"opts\": {\"deep\": true}, \"n\": 5}"));
        assertThatThrownBy(() -> inputs.validate(wf, JSON.readTree("{\"n\": 0, \"extra\": 1}")))
                .isInstanceOf(BatonException.class)
                .satisfies(e -> {
                    BatonException b = (BatonException) e;
                    assertThat(b.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(b.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("n", "name", "extra");
                });
        assertThatThrownBy(() -> inputs.validate(wf, JSON.readTree("[1]"))).hasMessageContaining("must be a JSON object");
    }
}
