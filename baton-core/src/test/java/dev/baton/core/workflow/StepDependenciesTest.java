package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.SourceLocation;
import dev.baton.core.expr.ExpressionScope;
import dev.baton.core.expr.Templates;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StepDependenciesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dependencies_are_needs_plus_steps_read_by_with_if_and_the_map_body() throws Exception {
        Step body = new Step("fan.item", "http", Templates.compile(JSON.readTree(
                "{\"url\": \"{{ steps.config.output.url }}/{{ item }}\"}"), "steps.fan.with.step.with",
                SourceLocation.UNKNOWN, ExpressionScope.MAP_ITEM),
                List.of(), null, RetryPolicy.NONE, null, OnError.FAIL, null, null);
        Step fan = new Step("fan", "map", Templates.compile(JSON.readTree("{\"items\": \"{{ steps.list.output }}\"}"),
                "steps.fan.with", SourceLocation.UNKNOWN),
                List.of("setup"), Templates.compile(JSON.readTree("\"{{ steps.gate.output == true }}\""), "steps.fan.if",
                SourceLocation.UNKNOWN), RetryPolicy.NONE, null, OnError.FAIL, body, null);

        assertThat(fan.dependencies()).containsExactly("setup", "list", "gate", "config");
        assertThat(body.dependencies()).containsExactly("config");
    }
}
