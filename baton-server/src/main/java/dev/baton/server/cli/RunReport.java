package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.engine.RunView;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;

import java.time.Duration;
import java.time.Instant;

/**
 * The JSON the CLI prints for one run: identity, status, outputs, error, and every step attempt with its
 * status and duration in milliseconds. Stateless and thread-safe.
 */
final class RunReport {
    private final ObjectMapper json;

    RunReport(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode toJson(RunView view) {
        Run run = view.run();
        ObjectNode node = json.createObjectNode();
        node.put("runId", run.id());
        node.put("workflow", run.workflowId());
        node.put("version", run.workflowVersion());
        node.put("status", run.status().wireName());
        putMillis(node, "durationMs", run.createdAt(), run.finishedAt());
        node.set("outputs", run.outputs());
        putError(node, run.error());
        ArrayNode steps = node.putArray("steps");
        for (StepAttempt attempt : view.attempts()) {
            ObjectNode step = steps.addObject();
            step.put("step", attempt.stepId());
            step.put("attempt", attempt.attempt());
            step.put("status", attempt.status().wireName());
            putMillis(step, "durationMs", attempt.startedAt(), attempt.finishedAt());
            if (attempt.error() != null) {
                putError(step, attempt.error());
            }
        }
        return node;
    }

    private static void putMillis(ObjectNode node, String field, Instant from, Instant to) {
        if (from == null || to == null) {
            node.putNull(field);
        } else {
            node.put(field, Math.max(0, Duration.between(from, to).toMillis()));
        }
    }

    private static void putError(ObjectNode node, StepError error) {
        if (error == null) {
            node.putNull("error");
            return;
        }
        ObjectNode e = node.putObject("error");
        e.put("code", error.code());
        e.put("message", error.message());
        e.put("retriable", error.retriable());
    }
}
