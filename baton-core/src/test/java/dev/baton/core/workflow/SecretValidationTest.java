package dev.baton.core.workflow;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretValidationTest {
    private static final StepRegistry REGISTRY = StepRegistry.of(List.of(
            new WorkflowValidatorTest.FakeHandler("http", new StepSignature(Set.of("url"),
                    Set.of("method", "headers", "query", "body"), Set.of("headers.*", "body"))),
            new WorkflowValidatorTest.FakeHandler("embed", new StepSignature(Set.of(), Set.of("text")))));
    private final WorkflowValidator validator = new WorkflowValidator(REGISTRY);
    private final WorkflowParser parser = new WorkflowParser();

    private List<FieldError> errors(String yaml) {
        try {
            validator.validate(parser.read(yaml, "wf.yaml"));
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
            return e.errors();
        }
        throw new AssertionError("expected the workflow to be rejected");
    }

    @Test
    void secrets_are_accepted_in_the_fields_the_step_type_declares() {
        Workflow workflow = validator.validate(parser.read("""
                id: ok
                steps:
                  call:
                    uses: http
                    with:
                      url: https://api.example.com
                      headers: {Authorization: "Bearer {{ secrets.API_TOKEN }}", X-Key: "{{ secrets['k-1'] }}"}
                      body: {client_secret: "{{ secrets.CLIENT_SECRET }}"}
                  each:
                    uses: map
                    with:
                      items: [1, 2]
                      step:
                        uses: http
                        with: {url: "https://api.example.com/{{ item }}", headers: {X-Token: "{{ secrets.API_TOKEN }}"}}
                """, "wf.yaml"));

        assertThat(workflow.steps().get("call").with().secretReferences()).hasSize(3);
    }

    @Test
    void secrets_anywhere_else_are_rejected_at_registration_naming_the_field() {
        List<FieldError> errors = errors("""
                id: leaky
                steps:
                  call:
                    uses: http
                    if: "{{ secrets.FLAG }}"
                    with:
                      url: "https://api.example.com/?key={{ secrets.API_TOKEN }}"
                      query: {key: "{{ secrets.API_TOKEN }}"}
                      headers: "{{ secrets.ALL_HEADERS }}"
                  copy:
                    uses: transform
                    with: {value: "{{ secrets.API_TOKEN }}"}
                  vectors:
                    uses: embed
                    with: {text: "{{ secrets.API_TOKEN }}"}
                  fan:
                    uses: map
                    with:
                      items: ["{{ secrets.LIST }}"]
                      workflow: child
                      inputs: {token: "{{ secrets.API_TOKEN }}"}
                outputs:
                  token: "{{ secrets.API_TOKEN }}"
                """);

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
                "steps.call.if", "steps.call.with.url", "steps.call.with.query.key", "steps.call.with.headers",
                "steps.copy.with.value", "steps.vectors.with.text", "steps.fan.with.items[0]",
                "steps.fan.with.inputs.token", "outputs.token");
        assertThat(errors).filteredOn(e -> e.field().equals("steps.call.with.url")).singleElement()
                .extracting(FieldError::message).asString()
                .contains("secrets.API_TOKEN cannot be used here", "step type 'http' accepts secrets only in body, headers.*");
        assertThat(errors).filteredOn(e -> e.field().equals("steps.copy.with.value")).singleElement()
                .extracting(FieldError::message).asString().contains("'transform' accepts secrets in none of its arguments");
        assertThat(errors).filteredOn(e -> e.field().equals("outputs.token")).singleElement()
                .extracting(FieldError::message).asString().contains("cannot be used in workflow outputs");
    }

    @Test
    void secret_fields_must_name_an_argument_and_end_with_a_star_only() {
        assertThatThrownBy(() -> new StepSignature(Set.of("url"), Set.of(), Set.of("headers.*")))
                .hasMessageContaining("'headers.*' is not under an argument");
        assertThatThrownBy(() -> new StepSignature(Set.of("url"), Set.of("headers"), Set.of("headers.*.x")))
                .hasMessageContaining("'*' may only end the path");
        StepSignature signature = new StepSignature(Set.of("url"), Set.of("headers", "body"), Set.of("headers.*", "body"));
        assertThat(signature.acceptsSecretAt("headers.Authorization")).isTrue();
        assertThat(signature.acceptsSecretAt("headers")).isFalse();
        assertThat(signature.acceptsSecretAt("body")).isTrue();
        assertThat(signature.acceptsSecretAt("body.a[2]")).isTrue();
        assertThat(signature.acceptsSecretAt("bodyx")).isFalse();
        assertThat(signature.acceptsSecretAt("url")).isFalse();
    }
}
