package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.testing.FakeEmbeddingModel;
import dev.baton.ai.testing.ScriptedGateway;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.ManualEngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.core.workflow.WorkflowValidator;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.ResponseFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway examples in {@code examples/} validate against the real AI step types and run end to end on the
 * engine, with a scripted gateway standing in for the chat model and a fake in-process embedding model.
 */
class ExampleWorkflowsTest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final String ANALYSIS = """
            {"summary": "The beta ships Friday if QA passes.",
             "actionItems": [{"owner": "Bo", "task": "Write the release notes", "due": "2026-03-05"},
                             {"owner": "Ana", "task": "Bring two pricing options", "due": null}]}""";

    private final ScriptedGateway gateway = new ScriptedGateway().model("default", ModelKind.CHAT)
            .model("remote-embedder", ModelKind.EMBEDDING)
            .otherwise(ExampleWorkflowsTest::answer);
    private final StepRegistry registry = StepRegistry.of(AiSteps.handlers(
            EmbeddingModelRegistry.of(new FakeEmbeddingModel("bge-small-en-v1.5", 16)), gateway, 0));
    private final WorkflowValidator validator = new WorkflowValidator(registry);
    private final LocalEngine engine = LocalEngine.builder(new InMemoryRunStore(), this::resolve, registry)
            .clock(new ManualEngineClock(Instant.parse("2026-03-03T00:00:00Z")))
            .random(new SplittableRandom(1))
            .build();

    @AfterEach
    void close() {
        engine.close();
    }

    private static ScriptedGateway.Script answer(ChatRequest request) {
        boolean structured = request.responseFormat() instanceof ResponseFormat.JsonSchema;
        return new ScriptedGateway.Answer(structured ? ANALYSIS : "The beta ships Friday. Bo writes the notes.",
                FinishReason.STOP);
    }

    private Workflow resolve(String tenant, String id, int version) {
        try {
            return validator.validate(new WorkflowParser(), Files.readString(EXAMPLES.resolve(id + ".yaml")), id + ".yaml")
                    .withVersion(1);
        } catch (IOException e) {
            throw BatonException.notFound("workflow", id);
        }
    }

    private RunView run(String id, JsonNode inputs) throws Exception {
        Run run = engine.start(new StartRequest("default", id, 0, inputs, 0, null));
        return engine.completion("default", run.id()).get(30, TimeUnit.SECONDS);
    }

    private static JsonNode notes() throws IOException {
        return new ObjectMapper().createObjectNode()
                .put("text", Files.readString(EXAMPLES.resolve("data/meetings/launch-sync.txt")));
    }

    @Test
    void the_llm_examples_of_the_language_reference_validate_against_the_real_step_types() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "language.md"));
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```yaml\\n(id: .*?)```",
                java.util.regex.Pattern.DOTALL).matcher(doc);
        java.util.List<String> ids = new java.util.ArrayList<>();
        while (blocks.find()) {
            String yaml = blocks.group(1);
            if (yaml.contains("uses: llm.") || yaml.contains("uses: embed") || yaml.contains("uses: classify")) {
                ids.add(validator.validate(new WorkflowParser(), yaml, "language.md").id());
            }
        }
        assertThat(ids).contains("llm-chat-example", "llm-classify-example", "embed-example", "classify-example");
    }

    @Test
    void meeting_notes_returns_the_validated_summary_and_action_items() throws Exception {
        RunView view = run("meeting-notes", notes());

        assertThat(view.run().status()).as(String.valueOf(view.run().error())).isEqualTo(RunStatus.SUCCEEDED);
        JsonNode outputs = view.run().outputs();
        assertThat(outputs.get("summary").asText()).contains("Friday");
        assertThat(outputs.get("actionItems")).hasSize(2);
        assertThat(outputs.at("/actionItems/0/owner").asText()).isEqualTo("Bo");
        assertThat(outputs.at("/actionItems/1/due").isNull()).isTrue();
        assertThat(outputs.get("model").asText()).isEqualTo("default");
        assertThat(outputs.get("tokens").asLong()).isEqualTo(15);
        ChatRequest request = gateway.chatRequests().getFirst();
        assertThat(request.messages().get(1).content()).startsWith("Meeting notes:\n\nLaunch sync");
        assertThat(request.responseFormat()).isInstanceOf(ResponseFormat.JsonSchema.class);
    }

    @Test
    void hybrid_classifies_embeds_and_summarises_one_document() throws Exception {
        RunView view = run("hybrid", notes());

        assertThat(view.run().status()).as(String.valueOf(view.run().error())).isEqualTo(RunStatus.SUCCEEDED);
        JsonNode outputs = view.run().outputs();
        assertThat(outputs.get("topic").asText()).isIn("meeting-notes", "incident-report", "documentation");
        assertThat(outputs.get("summary").asText()).isEqualTo("The beta ships Friday. Bo writes the notes.");
        assertThat(outputs.get("embeddingModel").asText()).isEqualTo("bge-small-en-v1.5");
        assertThat(outputs.get("dimensions").asInt()).isEqualTo(16);
        assertThat(outputs.get("embedding")).hasSize(16);
    }

    @Test
    void hybrid_embeds_through_a_gateway_alias_when_asked() throws Exception {
        JsonNode inputs = ((com.fasterxml.jackson.databind.node.ObjectNode) notes()).put("embeddingModel", "remote-embedder");

        RunView view = run("hybrid", inputs);

        assertThat(view.run().status()).as(String.valueOf(view.run().error())).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().get("embeddingModel").asText()).isEqualTo("remote-embedder");
        assertThat(view.run().outputs().get("dimensions").asInt()).isEqualTo(8);
    }
}
