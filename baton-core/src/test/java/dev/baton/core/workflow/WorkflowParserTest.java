package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;
import dev.baton.core.expr.Bindings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkflowParserTest {
    private final WorkflowParser parser = new WorkflowParser();
    private static final ObjectMapper JSON = new ObjectMapper();

    private List<FieldError> errors(String text) {
        try {
            parser.parse(text, "wf.yaml");
        } catch (BatonException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
            return e.errors();
        }
        throw new AssertionError("expected the document to be rejected");
    }

    @Test
    void parses_a_complete_yaml_workflow() throws Exception {
        Workflow wf = parser.parse("""
                id: greet
                version: 3
                description: Says hello
                inputs:
                  type: object
                  properties:
                    name: {type: string}
                timeout: 10m
                defaults:
                  retry: {maxAttempts: 5, backoff: fixed, initialDelay: 2s}
                  timeout: 30s
                steps:
                  hello:
                    uses: transform
                    with:
                      value: "Hello {{ inputs.name }}"
                  call:
                    uses: http
                    needs: hello
                    if: "{{ inputs.name != '' }}"
                    retry: {maxAttempts: 4, backoff: exponential, initialDelay: 500ms, maxDelay: 1m, multiplier: 3, jitter: 0.5}
                    timeout: 1m30s
                    onError: continue
                    with:
                      url: "http://127.0.0.1/{{ steps.hello.output }}"
                outputs:
                  greeting: "{{ steps.hello.output }}"
                """, "greet.yaml");

        assertThat(wf.id()).isEqualTo("greet");
        assertThat(wf.version()).isZero();
        assertThat(wf.description()).isEqualTo("Says hello");
        assertThat(wf.inputSchema().get("properties").has("name")).isTrue();
        assertThat(wf.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(wf.defaults()).isEqualTo(new Workflow.StepDefaults(
                new RetryPolicy(5, Backoff.FIXED, Duration.ofSeconds(2), Duration.ofSeconds(30), 2.0, 0.2), Duration.ofSeconds(30)));
        assertThat(wf.steps()).containsOnlyKeys("hello", "call");
        Step hello = wf.steps().get("hello");
        assertThat(hello.retry()).isEqualTo(wf.defaults().retry());
        assertThat(hello.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(hello.location()).isEqualTo(new SourceLocation("greet.yaml", 13, 3));
        Step call = wf.steps().get("call");
        assertThat(call.needs()).containsExactly("hello");
        assertThat(call.dependencies()).containsExactly("hello");
        assertThat(call.retry()).isEqualTo(new RetryPolicy(4, Backoff.EXPONENTIAL, Duration.ofMillis(500), Duration.ofMinutes(1), 3.0, 0.5));
        assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(call.onError()).isEqualTo(OnError.CONTINUE);
        Bindings bindings = new Bindings(JSON.readTree("{\"name\":\"Ada\"}"),
                Map.of("hello", JSON.readTree("{\"output\":\"Hello Ada\"}")), null, Map.of());
        assertThat(call.when().render(bindings).booleanValue()).isTrue();
        assertThat(call.with().render(bindings).get("url").textValue()).isEqualTo("http://127.0.0.1/Hello Ada");
        assertThat(wf.outputs().render(bindings)).isEqualTo(JSON.readTree("{\"greeting\":\"Hello Ada\"}"));
    }

    @Test
    void parses_json_with_the_same_model() {
        Workflow wf = parser.parse("{\"id\": \"j\", \"steps\": {\"a\": {\"uses\": \"sleep\", \"with\": {\"duration\": \"1s\"},"
                + " \"needs\": []}}}", "j.json");
        assertThat(wf.steps().get("a").uses()).isEqualTo("sleep");
        assertThat(wf.steps().get("a").location()).isEqualTo(new SourceLocation("j.json", 1, 23));
        assertThat(wf.defaults()).isEqualTo(Workflow.StepDefaults.DEFAULT);
        assertThat(wf.outputs()).isNull();
    }

    @Test
    void map_step_body_is_parsed_with_item_and_index() throws Exception {
        Workflow wf = parser.parse("""
                id: fan
                steps:
                  list: {uses: transform, with: {value: [1, 2]}}
                  each:
                    uses: map
                    with:
                      items: "{{ steps.list.output }}"
                      concurrency: 4
                      step:
                        uses: http
                        with: {url: "http://h/{{ item }}?i={{ index }}"}
                        onError: continue
                        retry: {maxAttempts: 2}
                  children:
                    uses: map
                    with:
                      items: [a, b]
                      workflow: child
                      version: 2
                      inputs: {name: "{{ item }}"}
                """, "fan.yaml");
        Step each = wf.steps().get("each");
        assertThat(each.with().referencedSteps()).containsExactly("list");
        assertThat(each.body().id()).isEqualTo("each.item");
        assertThat(each.body().uses()).isEqualTo("http");
        assertThat(each.body().onError()).isEqualTo(OnError.CONTINUE);
        assertThat(each.body().retry().maxAttempts()).isEqualTo(2);
        Bindings bindings = new Bindings(null, Map.of("list", JSON.readTree("{\"output\":[1,2]}")), null, Map.of());
        assertThat(each.with().render(bindings)).isEqualTo(JSON.readTree("{\"items\":[1,2],\"concurrency\":4}"));
        assertThat(each.body().with().render(bindings.withLocals(Map.of("item", JSON.readTree("7"), "index", JSON.readTree("1")))))
                .isEqualTo(JSON.readTree("{\"url\":\"http://h/7?i=1\"}"));
        Step children = wf.steps().get("children");
        assertThat(children.body().uses()).isEqualTo("workflow");
        assertThat(children.body().with().render(bindings.withLocals(Map.of("item", JSON.readTree("\"a\"")))))
                .isEqualTo(JSON.readTree("{\"workflow\":\"child\",\"version\":2,\"inputs\":{\"name\":\"a\"}}"));
        assertThat(children.with().render(bindings)).isEqualTo(JSON.readTree("{\"items\":[\"a\",\"b\"]}"));
    }

    @Test
    void unknown_fields_are_rejected_with_a_suggestion_and_position() {
        assertThat(errors("""
                id: x
                steps:
                  fetch:
                    uses: http
                    retires: {maxAttempts: 2}
                    with: {url: "http://x"}
                """)).containsExactly(new FieldError("steps.fetch.retires",
                "unknown field 'retires' in step 'fetch'; did you mean 'retry'?", new SourceLocation("wf.yaml", 5, 5)));
        assertThat(errors("id: x\nsteps: {a: {uses: t}}\nzzz: 1\n")).singleElement()
                .extracting(FieldError::message).asString()
                .isEqualTo("unknown field 'zzz' in the workflow; allowed: defaults, description, id, inputs, outputs, steps, timeout, version");
    }

    @Test
    void all_errors_are_reported_together() {
        List<FieldError> errors = errors("""
                id: x
                timeout: 5
                steps:
                  a:
                    uses: http
                    timeout: soon
                    onError: ignore
                    retry: {maxAttempts: 0, backoff: linear}
                  b:
                    with: {x: "{{ inputs. }}"}
                  c:
                    uses: transform
                    needs: [a, 3]
                    retry: {initialDelay: 10s, maxDelay: 1s}
                """);
        assertThat(errors).extracting(FieldError::field).containsExactly(
                "timeout", "steps.a.timeout", "steps.a.onError", "steps.a.retry.backoff", "steps.b", "steps.b.with.x",
                "steps.c.needs[1]", "steps.c.retry.maxDelay");
        assertThat(errors.get(0).message()).isEqualTo("a duration needs a unit; write e.g. '5s'");
        assertThat(errors.get(1).message()).startsWith("'soon' is not a duration");
        assertThat(errors.get(4).message()).isEqualTo("step 'b' has no 'uses' (its step type, e.g. 'http' or 'transform')");
        assertThat(errors.get(7).message()).isEqualTo("maxDelay (PT1S) must be >= initialDelay (PT10S)");
        assertThat(errors.get(7).location()).isEqualTo(new SourceLocation("wf.yaml", 14, 32));
    }

    @Test
    void retry_values_are_checked_by_the_retry_policy() {
        assertThat(errors("id: x\nsteps:\n  a:\n    uses: t\n    retry: {maxAttempts: 0}\n"))
                .containsExactly(new FieldError("steps.a.retry.maxAttempts", "maxAttempts must be between 1 and 100, got 0",
                        new SourceLocation("wf.yaml", 5, 13)));
        assertThat(errors("id: x\nsteps:\n  a:\n    uses: t\n    retry: {jitter: 2}\n")).singleElement()
                .extracting(FieldError::message).isEqualTo("jitter must be between 0 and 1, got 2.0");
    }

    @Test
    void malformed_yaml_and_json_report_line_and_column() {
        assertThatThrownBy(() -> parser.parse("id: x\nsteps:\n  a: [1, 2\n  b: 3\n", "bad.yaml"))
                .isInstanceOf(BatonException.class)
                .hasMessageStartingWith("bad.yaml:4:")
                .hasMessageContaining("malformed YAML");
        assertThatThrownBy(() -> parser.parse("{\"id\": \"x\",\n \"steps\": {,}}", "bad.json"))
                .hasMessageStartingWith("bad.json:2:12: malformed JSON: Unexpected character (',' (code 44))");
    }

    @Test
    void hostile_documents_are_refused() {
        assertThatThrownBy(() -> parser.parse("id: x\nbase: &b {uses: t}\nsteps: {a: *b}\n", "a.yaml"))
                .hasMessageContaining("YAML aliases (*b) are not supported");
        assertThatThrownBy(() -> parser.parse("id: x\nid: y\nsteps: {}\n", "d.yaml"))
                .hasMessageContaining("uplicate");
        assertThatThrownBy(() -> parser.parse("a: ".repeat(1) + "[".repeat(100) + "]".repeat(100), "deep.yaml"))
                .isInstanceOf(BatonException.class).hasMessageContaining("nest");
        assertThatThrownBy(() -> parser.parse("id: x\n#" + "x".repeat(1 << 20), "big.yaml"))
                .hasMessageContaining("the limit is 1048576");
        assertThatThrownBy(() -> parser.parse("id: a\n---\nid: b\n", "multi.yaml"))
                .hasMessageContaining("more than one YAML document");
    }
}
