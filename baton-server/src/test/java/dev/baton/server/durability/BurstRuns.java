package dev.baton.server.durability;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.baton.server.durability.RunViews.attemptSummary;
import static dev.baton.server.durability.RunViews.step;
import static dev.baton.server.durability.RunViews.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The part of the crash test with no held calls: a burst of {@code crash-burst} runs (http POST /x → http POST /x
 * → transform) flowing at full speed when the process is killed, at whatever point each run happens to be. Nothing
 * is arranged, so the checks are the invariants that hold wherever a kill lands: every run succeeds; a step's
 * call count never exceeds its journaled attempts (no side effect without a journaled attempt before it); every
 * attempt but the last was interrupted; the output is the answer of the last call.
 */
final class BurstRuns {
    static final String WORKFLOW = "crash-burst";
    static final int RUNS = 60;

    private BurstRuns() {
    }

    static void register(JsonApi api, URI sideEffects) {
        String source = """
                id: %s
                inputs: {type: object, properties: {n: {type: integer}}, required: [n]}
                steps:
                  x1:
                    uses: http
                    with: {url: "%s/x", method: POST, body: {n: "{{ inputs.n }}"}}
                  x2:
                    uses: http
                    needs: [x1]
                    with: {url: "%s/x", method: POST, body: {n: "{{ inputs.n }}", x1: "{{ steps.x1.output.body.token }}"}}
                  x3:
                    uses: transform
                    needs: [x2]
                    with: {value: ["{{ steps.x1.output.body.token }}", "{{ steps.x2.output.body.token }}"]}
                outputs:
                  tokens: "{{ steps.x3.output }}"
                """.formatted(WORKFLOW, sideEffects, sideEffects);
        JsonApi.Response response = api.post("/workflows", "application/yaml", source, Map.of());
        assertThat(response.status()).as("register: %s", response.body()).isEqualTo(201);
    }

    /** Starts the burst in one batch request; returns the run ids. */
    static List<String> start(JsonApi api) {
        StringBuilder inputs = new StringBuilder();
        for (int n = 0; n < RUNS; n++) {
            inputs.append(n == 0 ? "" : ", ").append("{\"n\": ").append(1000 + n).append('}');
        }
        JsonApi.Response response = api.post("/workflows/" + WORKFLOW + "/runs/batch", "application/json",
                "{\"inputs\": [" + inputs + "]}", Map.of());
        assertThat(response.status()).as("start the burst: %s", response.body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        response.body().path("items").forEach(run -> ids.add(run.path("id").asText()));
        assertThat(ids).hasSize(RUNS);
        return ids;
    }

    /**
     * Checks the invariants for every run of the burst after the restart.
     *
     * @return how many attempts were interrupted by the kill (for the test's progress output)
     */
    static int checkResumed(JsonApi api, List<String> ids, SideEffectServer sideEffects) {
        int interrupted = 0;
        for (String id : ids) {
            JsonNode view = api.get("/runs/" + id);
            assertThat(view.path("status").asText()).as("burst run %s", id).isEqualTo("succeeded");
            List<String> tokens = new ArrayList<>();
            for (String stepId : List.of("x1", "x2", "x3")) {
                List<String> attempts = attemptSummary(step(view, stepId));
                assertThat(attempts.getLast()).as("last attempt of %s in burst run %s", stepId, id)
                        .isEqualTo(attempts.size() + ":succeeded");
                for (int i = 0; i < attempts.size() - 1; i++) {
                    assertThat(attempts.get(i)).as("earlier attempt of %s in burst run %s", stepId, id)
                            .isEqualTo(RunViews.interrupted(i + 1));
                }
                interrupted += attempts.size() - 1;
                if (stepId.equals("x3")) {
                    continue;
                }
                List<SideEffectServer.Call> calls = sideEffects.calls("/x", id + "/" + stepId);
                assertThat(calls).as("/x calls of %s in burst run %s: at least one, at most one per journaled attempt",
                        stepId, id).isNotEmpty().hasSizeLessThanOrEqualTo(attempts.size());
                JsonNode last = step(view, stepId).path("attempts").get(attempts.size() - 1);
                assertThat(token(last)).as("output of %s in burst run %s: the last call's answer", stepId, id)
                        .isEqualTo(calls.getLast().token());
                tokens.add(calls.getLast().token());
            }
            List<String> outputs = new ArrayList<>();
            view.path("outputs").path("tokens").forEach(token -> outputs.add(token.asText()));
            assertThat(outputs).as("outputs of burst run %s", id).isEqualTo(tokens);
        }
        return interrupted;
    }
}
