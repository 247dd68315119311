package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.RunView;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunQuery;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /runs/{id}/retry} over real HTTP (authentication off: an admin of the system tenant). */
class RunRetryApiTest {
    private final TestServer server = TestServer.get();
    private final ApiClient api = server.client;

    private String registerGreet(String greeting) {
        String id = TestServer.uniqueId("retry-greet");
        assertThat(api.post("/workflows", "application/yaml", WorkflowApiTest.greet(id, greeting)).status())
                .isEqualTo(201);
        return id;
    }

    /** Starts a run and waits for it to finish: the finished run. */
    private JsonNode runToEnd(String workflowId, String body) {
        var response = api.postJson("/workflows/" + workflowId + "/runs?wait=30s", body);
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    private RunView awaitRun(String runId) throws Exception {
        return server.node.engine().completion(server.node.tenantId(), runId).get(30, TimeUnit.SECONDS);
    }

    @Test
    void retries_a_finished_run_with_its_workflow_version_inputs_and_priority() throws Exception {
        String id = registerGreet("Hello");
        JsonNode old = runToEnd(id, "{\"inputs\": {\"name\": \"Ada\"}, \"priority\": 7}");
        assertThat(api.put("/workflows/" + id, "application/yaml", WorkflowApiTest.greet(id, "Goodbye")).status())
                .isEqualTo(200);

        var retried = api.postJson("/runs/" + old.get("id").asText() + "/retry", "");

        assertThat(retried.status()).isEqualTo(202);
        JsonNode fresh = retried.json();
        String freshId = fresh.get("id").asText();
        assertThat(freshId).isNotEqualTo(old.get("id").asText());
        assertThat(fresh.get("retryOf").asText()).isEqualTo(old.get("id").asText());
        assertThat(retried.header("Location")).isEqualTo("/api/v1/runs/" + freshId);
        assertThat(fresh.get("workflowId").asText()).isEqualTo(id);
        assertThat(fresh.get("workflowVersion").asInt()).isEqualTo(1);
        Run done = awaitRun(freshId).run();
        assertThat(done.priority()).isEqualTo(7);
        assertThat(done.inputs()).isEqualTo(ApiClient.JSON.readTree("{\"name\": \"Ada\"}"));
        assertThat(done.outputs().get("greeting").asText()).isEqualTo("Hello Ada"); // version 1, not "Goodbye"
        assertThat(api.get("/runs/" + old.get("id").asText()).json().get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void a_run_of_a_deleted_workflow_can_still_be_retried() throws Exception {
        String id = registerGreet("Hi");
        JsonNode old = runToEnd(id, "{\"inputs\": {\"name\": \"Bo\"}}");
        assertThat(api.delete("/workflows/" + id).status()).isEqualTo(204);

        var retried = api.postJson("/runs/" + old.get("id").asText() + "/retry", "");

        assertThat(retried.status()).isEqualTo(202);
        assertThat(awaitRun(retried.json().get("id").asText()).run().outputs().get("greeting").asText())
                .isEqualTo("Hi Bo");
    }

    @Test
    void a_run_that_has_not_finished_is_409_and_is_left_running() {
        String id = TestServer.uniqueId("retry-sleeper");
        assertThat(api.post("/workflows", "application/yaml", """
                id: %s
                steps:
                  nap: {uses: sleep, with: {duration: "1h"}}
                """.formatted(id)).status()).isEqualTo(201);
        String runId = api.postJson("/workflows/" + id + "/runs", "{}").json().get("id").asText();
        try {
            var retried = api.postJson("/runs/" + runId + "/retry", "");

            assertThat(retried.status()).isEqualTo(409);
            assertThat(retried.json().get("code").asText()).isEqualTo("conflict");
            assertThat(retried.json().get("detail").asText()).contains(runId).contains("finished");
            assertThat(api.get("/runs/" + runId).json().get("status").asText()).isIn("queued", "running");
        } finally {
            api.postJson("/runs/" + runId + "/cancel", "");
        }
    }

    @Test
    void an_unknown_run_is_404() {
        var retried = api.postJson("/runs/00000000-0000-0000-0000-000000000000/retry", "");

        assertThat(retried.status()).isEqualTo(404);
        assertThat(retried.json().get("code").asText()).isEqualTo("not-found");
    }

    @Test
    void the_same_idempotency_key_on_the_same_run_returns_the_same_new_run_and_is_scoped_to_that_run() {
        String id = registerGreet("Hey");
        String first = runToEnd(id, "{\"inputs\": {\"name\": \"A\"}}").get("id").asText();
        String second = runToEnd(id, "{\"inputs\": {\"name\": \"B\"}}").get("id").asText();
        Map<String, String> key = Map.of("Idempotency-Key", "retry-once");

        String once = api.post("/runs/" + first + "/retry", "application/json", "", key).json().get("id").asText();
        String again = api.post("/runs/" + first + "/retry", "application/json", "", key).json().get("id").asText();
        String other = api.post("/runs/" + second + "/retry", "application/json", "", key).json().get("id").asText();
        String unkeyed = api.postJson("/runs/" + first + "/retry", "").json().get("id").asText();

        assertThat(again).isEqualTo(once);
        assertThat(other).isNotEqualTo(once);
        assertThat(unkeyed).isNotIn(once, other);
    }

    @Test
    void a_start_request_cannot_take_the_idempotency_key_of_a_later_retry() {
        String id = registerGreet("Hola");
        String first = runToEnd(id, "{\"inputs\": {\"name\": \"A\"}}").get("id").asText();
        // what a retry of `first` with key `k` used to be scoped as: a start request could take it first
        var squatter = api.post("/workflows/" + id + "/runs", "application/json", "{\"inputs\": {\"name\": \"Z\"}}",
                Map.of("Idempotency-Key", "retry/" + first + "/k"));
        assertThat(squatter.status()).isEqualTo(202);
        assertThat(api.post("/workflows/" + id + "/runs", "application/json", "{}",
                Map.of("Idempotency-Key", "retry " + first + " k")).status())
                .as("a space is not allowed in a client key").isEqualTo(400);

        var retried = api.post("/runs/" + first + "/retry", "application/json", "", Map.of("Idempotency-Key", "k"));

        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.json().get("id").asText()).isNotEqualTo(squatter.json().get("id").asText());
        assertThat(retried.json().get("retryOf").asText()).isEqualTo(first);
    }

    @Test
    void a_child_run_is_retried_through_its_parent() throws Exception {
        String child = registerGreet("Yo");
        String parent = TestServer.uniqueId("retry-parent");
        assertThat(api.post("/workflows", "application/yaml", """
                id: %s
                steps:
                  child:
                    uses: workflow
                    with: {workflow: %s, inputs: {name: Ada}}
                """.formatted(parent, child)).status()).isEqualTo(201);
        String parentRun = runToEnd(parent, "{}").get("id").asText();
        Run childRun = server.node.runStore().list(server.node.tenantId(),
                new RunQuery(child, null, null, null, null, 10)).items().getFirst();
        assertThat(childRun.parentRunId()).isEqualTo(parentRun);

        var retried = api.postJson("/runs/" + childRun.id() + "/retry", "");

        assertThat(retried.status()).isEqualTo(409);
        assertThat(retried.json().get("detail").asText()).contains(parentRun);
    }
}
