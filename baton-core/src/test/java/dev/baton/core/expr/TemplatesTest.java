package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.SourceLocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceLocation HERE = new SourceLocation("wf.yaml", 3, 7);

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Bindings bindings() {
        return new Bindings(
                json("{\"name\": \"Ada\", \"n\": 3, \"ratio\": 0.5, \"tags\": [\"a\", \"b\"], \"nothing\": null}"),
                Map.of("fetch", json("{\"output\": {\"status\": 200, \"body\": {\"items\": [1, 2, 3]}}, \"status\": \"succeeded\"}"),
                        "embed-1", json("{\"output\": {\"dimensions\": 384}}")),
                json("{\"id\": \"run-1\", \"workflow\": \"wf\", \"version\": 2}"),
                Map.of());
    }

    private static JsonNode render(String template) {
        return Templates.compile(json(template), "steps.s.with", HERE).render(bindings());
    }

    @Test
    void single_expression_yields_typed_values() {
        assertThat(render("\"{{ inputs.n + 1 }}\"")).isEqualTo(json("4"));
        assertThat(render("\"{{ inputs.ratio * 2.0 }}\"")).isEqualTo(json("1.0"));
        assertThat(render("\"{{ inputs.tags }}\"")).isEqualTo(json("[\"a\",\"b\"]"));
        assertThat(render("\"{{ steps.fetch.output.body }}\"")).isEqualTo(json("{\"items\":[1,2,3]}"));
        assertThat(render("\"{{ inputs.n > 2 }}\"")).isEqualTo(json("true"));
        assertThat(render("\"{{ inputs.nothing }}\"")).isEqualTo(json("null"));
        assertThat(render("\"{{ {'a': [1, 2.5, null], 'b': inputs.name} }}\"")).isEqualTo(json("{\"a\":[1,2.5,null],\"b\":\"Ada\"}"));
    }

    @Test
    void text_around_expressions_is_interpolated() {
        assertThat(render("\"Hello {{ inputs.name }}, n={{inputs.n}} {{ inputs.nothing }}!\""))
                .isEqualTo(json("\"Hello Ada, n=3 !\""));
        assertThat(render("\"tags: {{ inputs.tags }} body: {{ steps.fetch.output.body }}\""))
                .isEqualTo(json("\"tags: [\\\"a\\\",\\\"b\\\"] body: {\\\"items\\\":[1,2,3]}\""));
        assertThat(render("\" {{ inputs.n }}\"")).isEqualTo(json("\" 3\""));
    }

    @Test
    void nested_objects_and_arrays_are_rendered_member_by_member() {
        JsonNode out = render("{\"url\": \"https://x/{{ inputs.name }}\", \"list\": [1, \"{{ inputs.n }}\", {\"k\": \"{{ run.id }}\"}],"
                + " \"fixed\": {\"a\": true}}");
        assertThat(out).isEqualTo(json("{\"url\": \"https://x/Ada\", \"list\": [1, 3, {\"k\": \"run-1\"}], \"fixed\": {\"a\": true}}"));
    }

    @Test
    void map_literals_and_closing_braces_in_strings_do_not_end_a_placeholder() {
        assertThat(render("\"{{ {'a': {'b': 1}} }}\"")).isEqualTo(json("{\"a\":{\"b\":1}}"));
        assertThat(render("\"{{ '}}' + inputs.name }}\"")).isEqualTo(json("\"}}Ada\""));
        assertThat(render("\"{{ '{{' }}\"")).isEqualTo(json("\"{{\""));
    }

    @Test
    void templates_without_expressions_are_constant_and_render_the_same_instance() {
        ValueTemplate template = Templates.compile(json("{\"a\": [1, \"x\"], \"b\": \"plain {text}\"}"), "with", HERE);
        assertThat(template.isConstant()).isTrue();
        assertThat(template.referencedSteps()).isEmpty();
        assertThat(template.render(bindings())).isSameAs(template.render(bindings()));
        assertThat(Templates.compile(json("\"{{ 1 }}\""), "with", HERE).isConstant()).isFalse();
    }

    @Test
    void referenced_steps_come_from_selects_and_constant_indexes() {
        ValueTemplate template = Templates.compile(json("{\"a\": \"{{ steps.fetch.output.status }}\","
                + " \"b\": \"x {{ steps['embed-1'].output.dimensions }}\", \"c\": \"{{ has(steps.other) ? 1 : 2 }}\","
                + " \"d\": \"{{ steps.?maybe.orValue(0) }}\", \"e\": \"{{ [1].map(steps, steps) }}\"}"), "with", HERE);
        assertThat(template.referencedSteps()).containsExactlyInAnyOrder("fetch", "embed-1", "other", "maybe");
    }

    @Test
    void reading_steps_with_a_computed_key_is_rejected() {
        assertThatThrownBy(() -> Templates.compile(json("\"{{ steps[inputs.name] }}\""), "steps.s.with.x", HERE))
                .isInstanceOf(BatonException.class)
                .satisfies(e -> {
                    BatonException b = (BatonException) e;
                    assertThat(b.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
                    assertThat(b.errors()).singleElement().satisfies(f -> {
                        assertThat(f.field()).isEqualTo("steps.s.with.x");
                        assertThat(f.message()).contains("computed key");
                        assertThat(f.location()).isEqualTo(HERE);
                    });
                });
    }

    @Test
    void unknown_variable_is_a_compile_error_naming_the_variables() {
        assertThatThrownBy(() -> Templates.compile(json("{\"u\": \"{{ input.name }}\"}"), "steps.s.with", HERE))
                .isInstanceOf(BatonException.class)
                .hasMessage("wf.yaml:3:7: steps.s.with.u: expression 'input.name' does not compile:"
                        + " unknown variable or function 'input' (variables: inputs, steps, run) at column 1");
    }

    @Test
    void an_expression_the_cel_parser_throws_on_is_a_compile_error_not_a_crash() {
        // found by ExpressionFuzzTest (baton-fuzz): cel-java's math.greatest macro throws IllegalArgumentException
        String template = "\"{{ math.greatest([1?ssing.orValue('default')) }}\"";
        assertThatThrownBy(() -> Templates.compile(json(template), "steps.s.with.x", HERE))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(dev.baton.core.error.ErrorCode.INVALID_WORKFLOW))
                .hasMessageContaining("steps.s.with.x").hasMessageContaining("does not compile");
    }

    @Test
    void item_outside_a_map_step_is_explained_and_allowed_inside() {
        assertThatThrownBy(() -> Templates.compile(json("\"{{ item }}\""), "with.x", HERE))
                .hasMessageContaining("'item' is only available inside the inner step of a map step");
        ValueTemplate inner = Templates.compile(json("\"{{ item.name }}#{{ index }}\""), "with.x", HERE, ExpressionScope.MAP_ITEM);
        JsonNode out = inner.render(bindings().withLocals(Map.of("item", json("{\"name\":\"x\"}"), "index", json("4"))));
        assertThat(out).isEqualTo(json("\"x#4\""));
    }

    @Test
    void parse_errors_report_every_bad_expression_with_position() {
        assertThatThrownBy(() -> Templates.compile(json("{\"a\": \"{{ inputs.n + }}\", \"b\": \"{{ inputs.name\"}"), "with", HERE))
                .isInstanceOf(BatonException.class)
                .satisfies(e -> {
                    BatonException b = (BatonException) e;
                    assertThat(b.errors()).hasSize(2);
                    assertThat(b.errors().get(0).field()).isEqualTo("with.a");
                    assertThat(b.errors().get(0).message()).startsWith("expression 'inputs.n +' does not compile: mismatched input '<EOF>'")
                            .endsWith("at column 11");
                    assertThat(b.errors().get(1).field()).isEqualTo("with.b");
                    assertThat(b.errors().get(1).message()).isEqualTo("'{{' at offset 0 is not closed by '}}' in \"{{ inputs.name\"");
                    assertThat(b.getMessage()).startsWith("2 expressions do not compile; first: ");
                });
        assertThatThrownBy(() -> Templates.compile(json("\"a {{ }} b\""), "with", HERE))
                .hasMessageContaining("empty expression");
    }

    @Test
    void missing_key_at_run_time_fails_with_field_and_expression() {
        ValueTemplate template = Templates.compile(json("{\"x\": \"{{ inputs.missing }}\"}"), "steps.s.with", HERE);
        assertThatThrownBy(() -> template.render(bindings()))
                .isInstanceOf(BatonException.class)
                .hasMessage("steps.s.with.x: expression 'inputs.missing' failed: key 'missing' is not present in map.")
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.EXPRESSION_FAILED);
    }

    @Test
    void runtime_type_errors_and_division_by_zero_fail_cleanly() {
        assertThatThrownBy(() -> render("\"{{ inputs.n / 0 }}\"")).hasMessageEndingWith("failed: / by zero");
        assertThatThrownBy(() -> render("\"{{ inputs.n + inputs.name }}\"")).hasMessageContaining("No matching overload");
        assertThatThrownBy(() -> render("\"{{ inputs.ratio / 0.0 }}\"")).hasMessageEndingWith("is not a finite number");
    }

    @Test
    void extensions_are_available() {
        assertThat(render("\"{{ inputs.name.upperAscii() + '-' + inputs.tags.join(',') }}\"")).isEqualTo(json("\"ADA-a,b\""));
        assertThat(render("\"{{ math.greatest(1, inputs.n) }}\"")).isEqualTo(json("3"));
        assertThat(render("\"{{ [3, 1, 2].sort() }}\"")).isEqualTo(json("[1,2,3]"));
        assertThat(render("\"{{ base64.encode(b'hi') }}\"")).isEqualTo(json("\"aGk=\""));
        assertThat(render("\"{{ steps.fetch.output.body.items.map(x, x * 10).filter(x, x > 10) }}\"")).isEqualTo(json("[20,30]"));
        assertThat(render("\"{{ inputs.?absent.orValue('dflt') }}\"")).isEqualTo(json("\"dflt\""));
        assertThat(render("\"{{ inputs.n == 3.0 }}\"")).isEqualTo(json("true"));
    }

    @Test
    void iteration_budget_bounds_nested_loops() {
        TemplateCompiler small = new TemplateCompiler(new ExpressionLimits(100, 1 << 20, 100_000, Duration.ofSeconds(5)));
        ValueTemplate template = small.compile(json("\"{{ inputs.l.map(x, inputs.l.map(y, x * y)) }}\""), "with", p -> HERE,
                ExpressionScope.RUN);
        Bindings b = new Bindings(json("{\"l\": [1,2,3,4,5,6,7,8,9,10,11,12]}"), Map.of(), null, Map.of());
        assertThatThrownBy(() -> template.render(b))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("Iteration budget exceeded: 100");
    }

    @Test
    void string_and_list_sizes_are_bounded() {
        TemplateCompiler small = new TemplateCompiler(new ExpressionLimits(100_000, 100, 50, Duration.ofSeconds(5)));
        Bindings b = new Bindings(json("{\"s\": \"" + "x".repeat(60) + "\", \"l\": [" + "1,".repeat(40) + "1]}"),
                Map.of(), null, Map.of());
        assertThatThrownBy(() -> small.compile(json("\"{{ inputs.s + inputs.s }}\""), "with", p -> HERE, ExpressionScope.RUN).render(b))
                .hasMessageEndingWith("failed: a string value is longer than 100 characters");
        assertThatThrownBy(() -> small.compile(json("\"{{ inputs.l + inputs.l }}\""), "with", p -> HERE, ExpressionScope.RUN).render(b))
                .hasMessageEndingWith("failed: a list has more than 50 elements");
        assertThatThrownBy(() -> small.compile(json("\"{{ inputs.s }} and {{ inputs.s }}\""), "with", p -> HERE, ExpressionScope.RUN).render(b))
                .hasMessageEndingWith("the interpolated string is longer than 100 characters");
    }

    @Test
    void a_value_too_large_for_the_jvm_is_an_expression_failure_not_an_error() {
        String k = "x".repeat(1024);
        // The first replace makes 1 Mi characters (the limit), the second asks for 2 Gi in one call.
        String expression = "{{ '" + k + "'.replace('x', '" + k + "').replace('x', '" + k + k + "').size() }}";
        ValueTemplate template = Templates.compile(JSON.valueToTree(expression), "with", HERE);

        assertThatThrownBy(() -> template.render(new Bindings(json("{}"), Map.of(), null, Map.of())))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("exceeded the memory/size bound")
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.EXPRESSION_FAILED);
    }

    @Test
    void evaluation_is_bounded_by_wall_clock() {
        TemplateCompiler fast = new TemplateCompiler(new ExpressionLimits(10_000_000, 1 << 20, 10_000_000, Duration.ofNanos(1)));
        Bindings b = new Bindings(json("{\"l\": [" + "1,".repeat(999) + "1]}"), Map.of(), null, Map.of());
        ValueTemplate template = fast.compile(json("\"{{ inputs.l.map(x, inputs.l.filter(y, y == x).size()) }}\""), "with",
                p -> HERE, ExpressionScope.RUN);
        assertThatThrownBy(() -> template.render(b)).hasMessageContaining("evaluation took longer than 0 ms");
    }

    @Test
    void json_values_convert_both_ways_without_loss() {
        JsonNode value = json("{\"i\": 1, \"big\": 9007199254740993, \"f\": 1.25, \"s\": \"x\", \"b\": false, \"n\": null,"
                + " \"l\": [1, [2], {\"k\": null}], \"o\": {}}");
        Bindings b = new Bindings(value, Map.of(), null, Map.of());
        assertThat(Templates.compile(json("\"{{ inputs }}\""), "with", HERE).render(b)).isEqualTo(value);
        assertThat(Templates.compile(json("\"{{ inputs.big + 1 }}\""), "with", HERE).render(b)).isEqualTo(json("9007199254740994"));
        assertThat(Templates.compile(json("\"{{ type(inputs.i) == int && type(inputs.f) == double }}\""), "with", HERE).render(b))
                .isEqualTo(json("true"));
    }
}
