package dev.baton.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.SourceLocation;
import dev.baton.core.expr.Bindings;
import dev.baton.core.expr.ExpressionLimits;
import dev.baton.core.expr.ExpressionScope;
import dev.baton.core.expr.TemplateCompiler;
import dev.baton.core.expr.ValueTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes expressions: a template string with {@code {{ ... }}} placeholders is compiled and rendered against
 * bindings (inputs and one step's output, also the {@code item} of a map step) that the fuzzer also chooses, with
 * the default limits except a shorter timeout. The input is UTF-8 text in three parts separated by lines
 * {@code --}: the template, the inputs (JSON, else a string) and the step output (JSON, else a string), so that
 * the seeds are readable.
 *
 * <p>Contract: compiling fails only with {@code invalid-workflow}, rendering only with {@code expression-failed};
 * the result never exceeds the limits; and no evaluation runs much past its timeout (a hang).
 */
class ExpressionFuzzTest {
    private static final ExpressionLimits LIMITS =
            new ExpressionLimits(100_000, 1 << 20, 100_000, Duration.ofMillis(500));
    private static final TemplateCompiler COMPILER = new TemplateCompiler(LIMITS);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous bound over the timeout: conversion of the result and GC pauses are outside the evaluation. */
    private static final long BOUND_MILLIS = 5_000;

    @FuzzTest(maxDuration = "10s")
    void evaluates_any_expression_within_its_limits_or_says_why_not(byte[] data) {
        String[] parts = new String(data, StandardCharsets.UTF_8).split("\n--\n", 3);
        String template = parts[0];
        JsonNode inputs = json(parts.length > 1 ? parts[1] : "{}");
        JsonNode output = json(parts.length > 2 ? parts[2] : "null");
        ValueTemplate compiled;
        try {
            compiled = COMPILER.compile(JsonNodeFactory.instance.textNode(template), "steps.fuzz.with",
                    path -> new SourceLocation("fuzz.yaml", 1, 1), ExpressionScope.MAP_ITEM);
        } catch (BatonException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
            return;
        }
        ObjectNode step = JsonNodeFactory.instance.objectNode().put("status", "succeeded");
        step.set("output", output);
        Bindings bindings = new Bindings(inputs, Map.of("prev", step),
                JsonNodeFactory.instance.objectNode().put("id", "run-1").put("workflow", "fuzz"),
                Map.of("item", output, "index", JsonNodeFactory.instance.numberNode(0)));
        long started = System.nanoTime();
        try {
            JsonNode result = compiled.render(bindings);
            assertThat(result).isNotNull();
            if (result.isTextual()) {
                assertThat(result.textValue().length()).isLessThanOrEqualTo(LIMITS.maxStringLength());
            }
        } catch (BatonException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.EXPRESSION_FAILED);
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("milliseconds to render '%s'", template)
                .isLessThan(BOUND_MILLIS);
    }

    /** The fuzzer's JSON, or the text itself as a JSON string when it is not JSON. */
    private static JsonNode json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (Exception e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
