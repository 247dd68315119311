package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.engine.RunView;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;
import dev.baton.core.store.StoredWorkflow;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the API, built by hand from the core records so the wire format is explicit and does not
 * change when a record gains a field: lower-camel names, instants as ISO-8601 strings, statuses as lower-case
 * wire names ({@code timed_out}), absent values as JSON {@code null}. Stateless; thread-safe.
 */
final class WireFormat {
    private final ObjectMapper json;

    WireFormat(ObjectMapper json) {
        this.json = json;
    }

    /** A workflow version: {@code {id, version, description, createdAt, source?}}. */
    ObjectNode workflow(StoredWorkflow stored, String description, boolean withSource) {
        ObjectNode node = json.createObjectNode();
        node.put("id", stored.id());
        node.put("version", stored.version());
        node.put("description", description);
        node.put("createdAt", stored.createdAt().toString());
        if (withSource) {
            node.put("source", stored.source());
        }
        return node;
    }

    /** A run without its steps (listings). */
    ObjectNode run(Run run) {
        ObjectNode node = json.createObjectNode();
        node.put("id", run.id());
        node.put("workflowId", run.workflowId());
        node.put("workflowVersion", run.workflowVersion());
        node.put("status", run.status().wireName());
        node.put("priority", run.priority());
        node.set("inputs", run.inputs());
        node.set("outputs", run.outputs());
        node.set("error", error(run.error()));
        node.put("idempotencyKey", run.idempotencyKey());
        node.put("parentRunId", run.parentRunId());
        node.put("parentStepId", run.parentStepId());
        node.put("createdAt", instant(run.createdAt()));
        node.put("startedAt", instant(run.startedAt()));
        node.put("finishedAt", instant(run.finishedAt()));
        putDuration(node, run.startedAt(), run.finishedAt());
        return node;
    }

    /**
     * A run with every step and attempt: {@code steps: [{id, status, attempts: [{attempt, status, input, output,
     * error, startedAt, finishedAt, durationMs}]}]}, steps in the order their first attempt started; a step's
     * status is that of its last attempt.
     */
    ObjectNode runView(RunView view) {
        ObjectNode node = run(view.run());
        Map<String, List<StepAttempt>> byStep = new LinkedHashMap<>();
        for (StepAttempt attempt : view.attempts()) {
            byStep.computeIfAbsent(attempt.stepId(), id -> new java.util.ArrayList<>()).add(attempt);
        }
        ArrayNode steps = node.putArray("steps");
        byStep.forEach((stepId, attempts) -> {
            ObjectNode step = steps.addObject();
            step.put("id", stepId);
            step.put("status", attempts.getLast().status().wireName());
            ArrayNode list = step.putArray("attempts");
            for (StepAttempt attempt : attempts) {
                list.add(attempt(attempt));
            }
        });
        return node;
    }

    ObjectNode attempt(StepAttempt attempt) {
        ObjectNode node = json.createObjectNode();
        node.put("attempt", attempt.attempt());
        node.put("status", attempt.status().wireName());
        node.set("input", attempt.input());
        node.set("output", attempt.output());
        node.set("error", error(attempt.error()));
        node.put("startedAt", instant(attempt.startedAt()));
        node.put("finishedAt", instant(attempt.finishedAt()));
        putDuration(node, attempt.startedAt(), attempt.finishedAt());
        return node;
    }

    /** {@code {code, message, retriable}} or JSON null. */
    JsonNode error(StepError error) {
        if (error == null) {
            return json.nullNode();
        }
        ObjectNode node = json.createObjectNode();
        node.put("code", error.code());
        node.put("message", error.message());
        node.put("retriable", error.retriable());
        return node;
    }

    /** The SSE event name of a journal entry, e.g. {@code attempt-finished}. */
    static String eventType(JournalEntry entry) {
        return switch (entry) {
            case JournalEntry.RunStarted ignored -> "run-started";
            case JournalEntry.AttemptStarted ignored -> "attempt-started";
            case JournalEntry.AttemptFinished ignored -> "attempt-finished";
            case JournalEntry.RunFinished ignored -> "run-finished";
            case JournalEntry.CancelRequested ignored -> "cancel-requested";
        };
    }

    /** An event: {@code {sequence, type, runId, at, ...}} with the entry's own fields. */
    ObjectNode event(RunEvent event) {
        JournalEntry entry = event.entry();
        ObjectNode node = json.createObjectNode();
        node.put("sequence", event.sequence());
        node.put("type", eventType(entry));
        node.put("runId", entry.runId());
        node.put("at", entry.at().toString());
        switch (entry) {
            case JournalEntry.RunStarted ignored -> {
            }
            case JournalEntry.AttemptStarted started -> {
                node.put("stepId", started.stepId());
                node.put("attempt", started.attempt());
                node.set("input", started.input());
            }
            case JournalEntry.AttemptFinished finished -> {
                node.put("stepId", finished.stepId());
                node.put("attempt", finished.attempt());
                node.put("status", finished.status().wireName());
                node.set("output", finished.output());
                node.set("error", error(finished.error()));
            }
            case JournalEntry.RunFinished finished -> {
                node.put("status", finished.status().wireName());
                node.set("outputs", finished.outputs());
                node.set("error", error(finished.error()));
            }
            case JournalEntry.CancelRequested cancel -> node.put("reason", cancel.reason());
        }
        return node;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static void putDuration(ObjectNode node, Instant start, Instant end) {
        if (start != null && end != null) {
            node.put("durationMs", Duration.between(start, end).toMillis());
        } else {
            node.putNull("durationMs");
        }
    }
}
