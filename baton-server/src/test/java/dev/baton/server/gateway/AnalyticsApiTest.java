package dev.baton.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.testing.Fault;
import dev.baton.server.BatonConfig;
import dev.baton.server.api.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The analytics routes over real HTTP on a real node with the H2 store: runs of an {@code llm.chat} workflow that
 * succeed, succeed after a retry (upstream 503) and fail (upstream 400) give the figures per workflow, step,
 * deployment and key; the same figures come back after the node restarts on the same data directory; bad windows
 * are 400 problems naming the parameter.
 */
class AnalyticsApiTest {
    private static final String WORKFLOW = """
            id: ask
            inputs: {type: object, properties: {q: {type: string}}, required: [q]}
            steps:
              answer:
                uses: llm.chat
                with: {model: fast, prompt: "{{ inputs.q }}"}
                retry: {maxAttempts: 2, initialDelay: 0s}
            """;

    private static BatonConfig h2(Path dir) {
        return new BatonConfig(dir, BatonConfig.Store.h2(dir), BatonConfig.Server.DEFAULT, BatonConfig.Engine.DEFAULT,
                BatonConfig.Ai.DISABLED);
    }

    @Test
    void figures_per_workflow_step_deployment_and_key_survive_a_restart(@TempDir Path dir) throws Exception {
        Instant from = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String window = "?from=" + from + "&to=" + from.plus(Duration.ofHours(2));
        String succeeded;
        String retried;
        String failed;
        JsonNode workflows;
        JsonNode detail;
        JsonNode models;
        JsonNode byModel;
        JsonNode keys;
        try (GatewayNode node = new GatewayNode("", h2(dir))) {
            assertThat(node.send("POST", "/api/v1/workflows", "application/yaml", WORKFLOW).status()).isEqualTo(201);
            succeeded = run(node, "one", "succeeded");
            node.upstream.enqueue(Fault.status(503));
            retried = run(node, "two", "succeeded");
            node.upstream.enqueue(Fault.status(400));
            failed = run(node, "three", "failed");
            awaitUsageCalls(node, 4);

            workflows = ok(node.get("/api/v1/analytics/workflows" + window));
            detail = ok(node.get("/api/v1/analytics/workflows/ask" + window));
            models = ok(node.get("/api/v1/analytics/models" + window + "&groupBy=deployment"));
            byModel = ok(node.get("/api/v1/analytics/models" + window));
            keys = ok(node.get("/api/v1/analytics/keys" + window));

            JsonNode limited = ok(node.get("/api/v1/analytics/models" + window + "&groupBy=deployment&limit=1"));
            assertThat(limited.get("items")).hasSize(1);
            assertThat(limited.get("truncated").asBoolean()).isTrue();
            JsonNode byStep = ok(node.get("/api/v1/usage?groupBy=step&workflow=ask&step=answer"));
            assertThat(byStep.get("items").findValuesAsText("key")).containsExactly("answer");
            assertThat(byStep.get("total").get("calls").asLong()).isEqualTo(4);
        }

        assertThat(workflows.get("from").asText()).isEqualTo(from.toString());
        assertThat(workflows.get("truncated").asBoolean()).isFalse();
        assertThat(workflows.get("items")).hasSize(1);
        JsonNode ask = workflows.get("items").get(0);
        assertThat(ask.get("workflowId").asText()).isEqualTo("ask");
        assertThat(ask.get("runs").asLong()).isEqualTo(3);
        assertThat(ask.get("byStatus").get("succeeded").asLong()).isEqualTo(2);
        assertThat(ask.get("byStatus").get("failed").asLong()).isEqualTo(1);
        assertThat(ask.get("byStatus").get("queued").asLong()).isZero();
        assertThat(ask.get("successRate").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(ask.get("retries").asLong()).isEqualTo(1);
        assertThat(ask.get("durationMs").get("p99").asDouble())
                .isGreaterThanOrEqualTo(ask.get("durationMs").get("p50").asDouble()).isPositive();
        assertThat(ask.get("topErrors")).hasSize(1);
        assertThat(ask.get("topErrors").get(0).get("code").asText()).isEqualTo("upstream-rejected");
        assertThat(ask.get("topErrors").get(0).get("count").asLong()).isEqualTo(1);
        assertThat(ask.get("topErrors").get(0).get("exampleRunId").asText()).isEqualTo(failed);
        assertThat(ask.get("usage").get("calls").asLong()).isEqualTo(4);
        assertThat(ask.get("usage").get("errors").asLong()).isEqualTo(2);
        assertThat(ask.get("usage").get("costUsd").asDouble()).isPositive();

        assertThat(detail.get("runs").asLong()).isEqualTo(3);
        assertThat(detail.get("steps")).hasSize(1);
        JsonNode step = detail.get("steps").get(0);
        assertThat(step.get("stepId").asText()).isEqualTo("answer");
        assertThat(step.get("attempts").asLong()).isEqualTo(4);
        assertThat(step.get("byStatus").get("succeeded").asLong()).isEqualTo(2);
        assertThat(step.get("failures").asLong()).isEqualTo(2);
        assertThat(step.get("retries").asLong()).isEqualTo(1);
        assertThat(step.get("timeouts").asLong()).isZero();
        assertThat(step.get("topErrors").findValuesAsText("code"))
                .containsExactly("upstream-rejected", "upstream-unavailable");
        assertThat(step.get("topErrors").get(0).get("exampleRunId").asText()).isEqualTo(failed);
        assertThat(step.get("topErrors").get(1).get("exampleRunId").asText()).isEqualTo(retried);
        assertThat(step.get("usage").get("calls").asLong()).isEqualTo(4);
        assertThat(step.get("usage").get("inputTokens").asLong()).isPositive();
        assertThat(succeeded).isNotEqualTo(retried);

        // a failed call is recorded under the deployment "none" (no deployment answered)
        assertThat(models.get("groupBy").asText()).isEqualTo("deployment");
        assertThat(models.get("items").findValuesAsText("key")).containsExactly("fake-1", "none");
        JsonNode deployment = models.get("items").get(0);
        assertThat(deployment.get("calls").asLong()).isEqualTo(2);
        assertThat(deployment.get("errorRate").asDouble()).isZero();
        assertThat(deployment.get("latencyMs").get("p95").asDouble()).isPositive();
        assertThat(deployment.get("costUsd").asDouble()).isPositive();
        assertThat(models.get("items").get(1).get("errorRate").asDouble()).isEqualTo(1.0);
        JsonNode fast = byModel.get("items").get(0);
        assertThat(fast.get("key").asText()).isEqualTo("fast");
        assertThat(fast.get("calls").asLong()).isEqualTo(4);
        assertThat(fast.get("errors").asLong()).isEqualTo(2);
        assertThat(fast.get("errorRate").asDouble()).isEqualTo(0.5);
        assertThat(fast.get("latencyMs").get("p50").asDouble()).isPositive();
        assertThat(byModel.get("total").get("errorRate").asDouble()).isEqualTo(0.5);
        assertThat(models.get("total").get("calls").asLong()).isEqualTo(4);

        assertThat(keys.get("total").get("calls").asLong()).isEqualTo(4);
        assertThat(keys.get("items").findValues("calls").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(4);
        assertThat(keys.get("runs").get("runs").asLong()).isEqualTo(3);
        assertThat(keys.get("runs").get("byStatus").get("failed").asLong()).isEqualTo(1);

        try (GatewayNode reopened = new GatewayNode("", h2(dir))) {
            assertThat(ok(reopened.get("/api/v1/analytics/workflows" + window))).isEqualTo(workflows);
            assertThat(ok(reopened.get("/api/v1/analytics/workflows/ask" + window))).isEqualTo(detail);
            assertThat(ok(reopened.get("/api/v1/analytics/models" + window + "&groupBy=deployment")))
                    .isEqualTo(models);
            assertThat(ok(reopened.get("/api/v1/analytics/models" + window))).isEqualTo(byModel);
            assertThat(ok(reopened.get("/api/v1/analytics/keys" + window))).isEqualTo(keys);
        }
    }

    @Test
    void windows_default_to_the_last_day_and_bad_parameters_are_problems_naming_them() {
        try (GatewayNode node = new GatewayNode("")) {
            JsonNode empty = ok(node.get("/api/v1/analytics/workflows"));
            assertThat(Duration.between(Instant.parse(empty.get("from").asText()),
                    Instant.parse(empty.get("to").asText()))).isEqualTo(Duration.ofHours(24));
            assertThat(empty.get("items")).isEmpty();
            JsonNode relative = ok(node.get("/api/v1/analytics/keys?from=7d&to=1h&childRuns=true"));
            assertThat(Duration.between(Instant.parse(relative.get("from").asText()),
                    Instant.parse(relative.get("to").asText()))).isEqualTo(Duration.ofDays(7).minusHours(1));
            assertThat(relative.get("childRuns").asBoolean()).isTrue();

            assertProblem(node.get("/api/v1/analytics/workflows?from=yesterday"), 400, "from");
            assertProblem(node.get("/api/v1/analytics/workflows?from=100d"), 400, "from");
            assertProblem(node.get("/api/v1/analytics/models?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"),
                    400, "from");
            assertProblem(node.get("/api/v1/analytics/keys?to=soon"), 400, "to");
            assertProblem(node.get("/api/v1/analytics/workflows?limit=0"), 400, "limit");
            assertProblem(node.get("/api/v1/analytics/workflows?childRuns=maybe"), 400, "childRuns");
            assertProblem(node.get("/api/v1/analytics/models?groupBy=provider"), 400, "groupBy");
            assertProblem(node.get("/api/v1/analytics/models?childRuns=true"), 400, "childRuns");
            assertProblem(node.get("/api/v1/analytics/workflows?form=1h"), 400, "form");
            assertProblem(node.get("/api/v1/analytics/workflows/no-such-workflow"), 404, "no-such-workflow");
        }
    }

    private static String run(GatewayNode node, String question, String status) {
        Response run = node.send("POST", "/api/v1/workflows/ask/runs?wait=60s", "application/json",
                "{\"inputs\": {\"q\": \"" + question + "\"}}");
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        assertThat(run.json().get("status").asText()).as(run.text()).isEqualTo(status);
        return run.json().get("id").asText();
    }

    /** Usage is written in batches off the request path: waits until the store holds {@code calls} calls. */
    private static void awaitUsageCalls(GatewayNode node, long calls) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (node.get("/api/v1/usage?groupBy=workflow").json().get("total").get("calls").asLong() < calls) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("usage never reached " + calls + " calls");
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static void assertProblem(Response response, int status, String parameter) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(parameter);
    }
}
