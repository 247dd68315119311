package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.expr.Bindings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every complete workflow in docs/language.md (a {@code yaml} block starting with {@code id:}) validates, and
 * the ones made only of {@code transform} steps render to the documented shapes.
 */
class LanguageDocsExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "language.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(id: .*?)```", Pattern.DOTALL);

    private final WorkflowCatalog catalog = new WorkflowCatalog(new WorkflowCatalogTest.FakeWorkflowStore(),
            WorkflowValidatorTest.REGISTRY_WITH_AI);

    private static List<String> examples() throws IOException {
        String text = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void every_complete_example_validates() throws IOException {
        List<String> examples = examples();
        assertThat(examples).hasSizeGreaterThanOrEqualTo(10);
        for (String example : examples) {
            Workflow workflow = catalog.validate(example, "language.md");
            assertThat(workflow.steps()).isNotEmpty();
        }
    }

    @Test
    void transform_examples_render() throws IOException {
        Map<String, JsonNode> outputs = new HashMap<>();
        for (String example : examples()) {
            Workflow workflow = catalog.validate(example, "language.md");
            if (!workflow.steps().values().stream().allMatch(s -> s.uses().equals(BuiltInSteps.TRANSFORM))) {
                continue;
            }
            JsonNode inputs = catalog.validator().inputValidator().validate(workflow, null);
            Map<String, JsonNode> steps = new HashMap<>();
            for (Step step : workflow.steps().values()) {
                Bindings bindings = new Bindings(inputs, steps, JsonNodeFactory.instance.objectNode().put("id", "r"), Map.of());
                ObjectNode finished = JsonNodeFactory.instance.objectNode();
                finished.set("output", step.with().render(bindings).get("value"));
                finished.put("status", "succeeded");
                steps.put(step.id(), finished);
            }
            if (workflow.outputs() != null) {
                outputs.put(workflow.id(), workflow.outputs().render(new Bindings(inputs, steps, null, Map.of())));
            }
            outputs.putIfAbsent(workflow.id(), steps.values().iterator().next().get("output"));
        }
        assertThat(outputs.get("greeting").toString()).isEqualTo("{\"greeting\":\"Hello world!\"}");
        assertThat(outputs.get("transform-example").toString())
                .isEqualTo("{\"count\":3,\"high\":[0.9],\"best\":0.9,\"summary\":\"3 scores, best 0.9\"}");
    }
}
