package dev.baton.server.durability;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.baton.server.durability.RunViews.attemptSummary;
import static dev.baton.server.durability.RunViews.interrupted;
import static dev.baton.server.durability.RunViews.statuses;
import static dev.baton.server.durability.RunViews.step;
import static dev.baton.server.durability.RunViews.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The part of the crash test about the steps that re-attach after a restart: runs of {@code crash-fan}, a
 * {@code map} of three http calls (POST /m; item 0 answers at once, items 1 and 2 are held) beside a
 * {@code workflow} step whose child run ({@code crash-leaf}) makes one held http call (POST /w), then a transform
 * of both. Killed while items 1 and 2 and the child's call are in flight, the resumed map keeps item 0's journaled
 * output and retries the others, and the resumed parent re-attaches to the same child run.
 */
final class FanOutRuns {
    static final String WORKFLOW = "crash-fan";
    static final String CHILD_WORKFLOW = "crash-leaf";
    /** How many crash-fan runs are started. */
    static final int RUNS = 2;
    /** Calls held per run while it is in flight: map items 1 and 2, and the child's /w. */
    static final int HELD_PER_RUN = 3;

    private FanOutRuns() {
    }

    /** Which side-effect calls these runs keep in flight. */
    static boolean held(SideEffectServer.Call call) {
        return call.path().equals("/w") || call.path().equals("/m") && call.body().path("item").asInt() >= 1;
    }

    static void register(JsonApi api, URI sideEffects) {
        String leaf = """
                id: %s
                inputs: {type: object, properties: {n: {type: integer}}, required: [n]}
                steps:
                  w:
                    uses: http
                    with: {url: "%s/w", method: POST, body: {n: "{{ inputs.n }}"}, timeout: 60s}
                    retry: {maxAttempts: 1}
                outputs:
                  token: "{{ steps.w.output.body.token }}"
                """.formatted(CHILD_WORKFLOW, sideEffects);
        String fan = """
                id: %s
                inputs: {type: object, properties: {n: {type: integer}}, required: [n]}
                steps:
                  fan:
                    uses: map
                    with:
                      items: [0, 1, 2]
                      concurrency: 3
                      step:
                        uses: http
                        with: {url: "%s/m", method: POST, body: {n: "{{ inputs.n }}", item: "{{ item }}"}, timeout: 60s}
                        retry: {maxAttempts: 1}
                  leaf:
                    uses: workflow
                    with: {workflow: %s, inputs: {n: "{{ inputs.n }}"}}
                  done:
                    uses: transform
                    needs: [fan, leaf]
                    with:
                      value:
                        fan: "{{ steps.fan.output }}"
                        leaf: "{{ steps.leaf.output.token }}"
                outputs:
                  result: "{{ steps.done.output }}"
                """.formatted(WORKFLOW, sideEffects, CHILD_WORKFLOW);
        for (String source : List.of(leaf, fan)) {
            JsonApi.Response response = api.post("/workflows", "application/yaml", source, Map.of());
            assertThat(response.status()).as("register: %s", response.body()).isEqualTo(201);
        }
    }

    /** Starts runs n = 100, 101, ...; returns their ids. */
    static List<String> start(JsonApi api) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            JsonApi.Response response = api.post("/workflows/" + WORKFLOW + "/runs", "application/json",
                    "{\"inputs\": {\"n\": " + (100 + i) + "}}", Map.of());
            assertThat(response.status()).as("start %s: %s", WORKFLOW, response.body()).isEqualTo(202);
            ids.add(response.body().path("id").asText());
        }
        return ids;
    }

    /** Checks the runs while their calls are held; returns run id → the token map item 0 got. */
    static Map<String, String> checkInFlight(JsonApi api, List<String> ids) {
        Map<String, String> tokenOfItem0 = new HashMap<>();
        for (String id : ids) {
            JsonNode view = api.get("/runs/" + id);
            assertThat(view.path("status").asText()).as("%s run %s", WORKFLOW, id).isEqualTo("running");
            assertThat(attemptSummary(step(view, "fan[0]"))).as("map item 0 of %s", id).containsExactly("1:succeeded");
            tokenOfItem0.put(id, token(step(view, "fan[0]").path("attempts").get(0)));
            assertThat(attemptSummary(step(view, "fan[1]"))).as("map item 1 of %s", id).containsExactly("1:running");
            assertThat(attemptSummary(step(view, "leaf"))).as("workflow step of %s", id).containsExactly("1:running");
        }
        Map<String, String> children = statuses(api, CHILD_WORKFLOW);
        assertThat(children).as("child runs").hasSize(RUNS).allSatisfy((id, status) ->
                assertThat(status).isEqualTo("running"));
        return tokenOfItem0;
    }

    /**
     * Checks the runs after the last restart: succeeded; map item 0 called once and its journaled output used;
     * items 1 and 2 interrupted by both kills, then retried (their retry budget is one attempt); the map and
     * workflow steps re-attached (one attempt each); one child run per parent, its call interrupted twice.
     */
    static void checkResumed(JsonApi api, List<String> ids, Map<String, String> tokenOfItem0,
                             SideEffectServer sideEffects) {
        Map<String, String> children = statuses(api, CHILD_WORKFLOW);
        assertThat(children).as("child runs: one per parent, never a second one").hasSize(RUNS)
                .allSatisfy((id, status) -> assertThat(status).isEqualTo("succeeded"));
        for (String id : ids) {
            JsonNode view = api.get("/runs/" + id);
            int n = view.path("inputs").path("n").asInt();
            assertThat(view.path("status").asText()).as("%s run %s", WORKFLOW, id).isEqualTo("succeeded");
            List<SideEffectServer.Call> item0 = mapCalls(sideEffects, n, 0);
            assertThat(item0).as("/m calls of item 0 of %s: finished before the kill, never run again", id).hasSize(1);
            assertThat(token(step(view, "fan[0]").path("attempts").get(0))).isEqualTo(item0.getFirst().token())
                    .isEqualTo(tokenOfItem0.get(id));
            for (int item = 1; item <= 2; item++) {
                assertThat(mapCalls(sideEffects, n, item)).as("/m calls of item %d of %s", item, id).hasSize(3);
                assertThat(attemptSummary(step(view, "fan[" + item + "]"))).as("map item %d of %s", item, id)
                        .containsExactly(interrupted(1), interrupted(2), "3:succeeded");
            }
            assertThat(attemptSummary(step(view, "fan"))).as("the map step of %s", id).containsExactly("1:succeeded");
            assertThat(attemptSummary(step(view, "leaf"))).as("the workflow step of %s", id)
                    .containsExactly("1:succeeded");

            String childId = children.keySet().stream()
                    .filter(child -> api.get("/runs/" + child).path("parentRunId").asText().equals(id))
                    .findFirst().orElseThrow(() -> new AssertionError("no child run of " + id));
            List<SideEffectServer.Call> callsOfW = sideEffects.calls("/w", childId + "/w");
            assertThat(callsOfW).as("/w calls of the child of %s", id).hasSize(3);
            assertThat(attemptSummary(step(api.get("/runs/" + childId), "w"))).as("step w of the child of %s", id)
                    .containsExactly(interrupted(1), interrupted(2), "3:succeeded");

            JsonNode result = view.path("outputs").path("result");
            List<String> fanTokens = new ArrayList<>();
            result.path("fan").forEach(output -> fanTokens.add(output.path("body").path("token").asText()));
            assertThat(fanTokens).as("map outputs of %s, in item order", id).containsExactly(
                    item0.getFirst().token(), mapCalls(sideEffects, n, 1).getLast().token(),
                    mapCalls(sideEffects, n, 2).getLast().token());
            assertThat(result.path("leaf").asText()).as("child output of %s", id).isEqualTo(callsOfW.getLast().token());
        }
    }

    private static List<SideEffectServer.Call> mapCalls(SideEffectServer sideEffects, int n, int item) {
        return sideEffects.calls().stream().filter(call -> call.path().equals("/m") && call.n() == n
                && call.body().path("item").asInt(-1) == item).toList();
    }
}
