package dev.baton.server.durability;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading runs as {@code GET /api/v1/runs} and {@code GET /api/v1/runs/{id}} return them, for the crash tests. */
final class RunViews {
    private RunViews() {
    }

    /** Run id → status of every run of the workflow, from {@code GET /runs}. */
    static Map<String, String> statuses(JsonApi api, String workflow) {
        JsonNode page = api.get("/runs?workflow=" + workflow + "&limit=1000");
        assertThat(page.path("nextCursor").isNull()).as("one page holds every run").isTrue();
        Map<String, String> statuses = new LinkedHashMap<>();
        page.path("items").forEach(run -> statuses.put(run.path("id").asText(), run.path("status").asText()));
        return statuses;
    }

    /** The step (or map item, e.g. {@code fan[1]}) of a run view, with its attempts. */
    static JsonNode step(JsonNode view, String stepId) {
        for (JsonNode step : view.path("steps")) {
            if (step.path("id").asText().equals(stepId)) {
                return step;
            }
        }
        throw new AssertionError("run " + view.path("id").asText() + " has no step '" + stepId + "': " + view);
    }

    /** The token of the answer an http attempt got. */
    static String token(JsonNode attempt) {
        return attempt.path("output").path("body").path("token").asText();
    }

    /** An attempt ended by a crash, as {@link #attemptSummary} writes it. */
    static String interrupted(int attempt) {
        return attempt + ":failed:interrupted:retriable";
    }

    /** Attempts as {@code "<n>:<status>[:<error code>:retriable]"}, in order. */
    static List<String> attemptSummary(JsonNode step) {
        List<String> summary = new ArrayList<>();
        for (JsonNode attempt : step.path("attempts")) {
            String text = attempt.path("attempt").asInt() + ":" + attempt.path("status").asText();
            JsonNode error = attempt.path("error");
            if (error.isObject()) {
                text += ":" + error.path("code").asText() + (error.path("retriable").asBoolean() ? ":retriable" : "");
            }
            summary.add(text);
        }
        return summary;
    }

    /** Status → how many runs have it. */
    static Map<String, Long> countByStatus(Map<String, String> statuses) {
        return statuses.values().stream().collect(Collectors.groupingBy(status -> status, Collectors.counting()));
    }
}
