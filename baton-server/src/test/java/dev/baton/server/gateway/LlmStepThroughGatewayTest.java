package dev.baton.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeAnswers;
import dev.baton.server.BatonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The node hands its gateway to the workflow steps: an {@code llm.chat} step started over the REST API is
 * answered by the configured upstream, and its usage is rolled up under its run and workflow.
 */
class LlmStepThroughGatewayTest {
    private static final GatewayNode NODE = new GatewayNode("");

    @AfterAll
    static void close() {
        NODE.close();
    }

    @Test
    void an_llm_chat_step_is_served_by_the_configured_deployment_and_its_usage_is_kept_per_run()
            throws InterruptedException {
        String workflow = """
                id: greet-through-gateway
                inputs: {type: object, properties: {name: {type: string}}, required: [name]}
                steps:
                  hello:
                    uses: llm.chat
                    with:
                      model: fast
                      prompt: "greetings {{ inputs.name }}"
                outputs:
                  text: "{{ steps.hello.output.text }}"
                  deployment: "{{ steps.hello.output.deployment }}"
                """;
        var registered = NODE.send("POST", "/api/v1/workflows", "application/yaml", workflow);
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);

        var run = NODE.send("POST", "/api/v1/workflows/greet-through-gateway/runs?wait=60s", "application/json",
                "{\"inputs\": {\"name\": \"ada\"}}");

        assertThat(run.status()).as(run.text()).isEqualTo(200);
        JsonNode outputs = run.json().get("outputs");
        assertThat(outputs.get("text").asText()).isEqualTo(FakeAnswers.echo("greetings ada"));
        assertThat(outputs.get("deployment").asText()).isEqualTo("fake-1");
        String runId = run.json().get("id").asText();
        JsonNode usage = awaitUsage("/api/v1/usage?groupBy=run&workflow=greet-through-gateway", runId);
        assertThat(usage.get("calls").asLong()).isEqualTo(1);
        assertThat(usage.get("inputTokens").asLong()).isEqualTo(FakeAnswers.tokens("greetings ada"));
    }

    @Test
    void workflow_validation_checks_model_names_against_the_configured_aliases() throws Exception {
        String source = """
                id: check-models
                steps:
                  a: {uses: llm.chat, with: {model: %s, prompt: hi}}
                """;
        GatewayConfig gateway = GatewayConfigReader.read(GatewayNode.JSON.readTree("""
                {"models": {"fast": {"deployments": [{"id": "f", "provider": "openai", "baseUrl": "http://h/v1",
                 "model": "m"}]}}}
                """));
        assertThat(BatonNode.validateDefinition(source.formatted("fast"), "wf.yaml", gateway).id())
                .isEqualTo("check-models");
        assertThatThrownBy(() -> BatonNode.validateDefinition(source.formatted("fsat"), "wf.yaml", gateway))
                .isInstanceOf(BatonException.class).hasMessageContaining("fsat");
        var rejected = NODE.send("POST", "/api/v1/workflows/validate", "application/yaml", source.formatted("nope"));
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.text()).contains("nope");
    }

    private static JsonNode awaitUsage(String path, String key) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            for (JsonNode item : NODE.get(path).json().get("items")) {
                if (item.get("key").asText().equals(key)) {
                    return item;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no usage recorded under " + key + ": " + NODE.get(path).text());
            }
            Thread.sleep(50);
        }
    }
}
