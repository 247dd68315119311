package dev.baton.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;

import java.time.Instant;

/**
 * The {@code run_events} row form of a {@link JournalEntry}: a type name and a JSON payload holding every field
 * but {@code runId} and {@code at}, which have their own columns. A JSON value that was Java {@code null} is left
 * out of the payload, so it reads back as {@code null}; a JSON {@code null} value is kept as JSON {@code null}.
 *
 * <p>Type names and payload fields are a storage format: add, never rename.
 */
final class JournalCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JournalCodec() {
    }

    static String type(JournalEntry entry) {
        return switch (entry) {
            case JournalEntry.RunStarted e -> "run_started";
            case JournalEntry.AttemptStarted e -> "attempt_started";
            case JournalEntry.AttemptFinished e -> "attempt_finished";
            case JournalEntry.RunFinished e -> "run_finished";
            case JournalEntry.CancelRequested e -> "cancel_requested";
        };
    }

    static String payload(JournalEntry entry) {
        ObjectNode node = NODES.objectNode();
        switch (entry) {
            case JournalEntry.RunStarted e -> {
                // runId and at only
            }
            case JournalEntry.AttemptStarted e -> {
                node.put("stepId", e.stepId()).put("attempt", e.attempt());
                putIfPresent(node, "input", e.input());
            }
            case JournalEntry.AttemptFinished e -> {
                node.put("stepId", e.stepId()).put("attempt", e.attempt()).put("status", e.status().wireName());
                putIfPresent(node, "output", e.output());
                putError(node, e.error());
            }
            case JournalEntry.RunFinished e -> {
                node.put("status", e.status().wireName());
                putIfPresent(node, "outputs", e.outputs());
                putError(node, e.error());
            }
            case JournalEntry.CancelRequested e -> {
                if (e.reason() != null) {
                    node.put("reason", e.reason());
                }
            }
        }
        return SqlValues.writeJson(node);
    }

    static JournalEntry decode(String runId, String type, String payload, Instant at) {
        JsonNode node = SqlValues.readJson(payload);
        return switch (type) {
            case "run_started" -> new JournalEntry.RunStarted(runId, at);
            case "attempt_started" -> new JournalEntry.AttemptStarted(runId, node.path("stepId").asText(),
                    node.path("attempt").asInt(), node.get("input"), at);
            case "attempt_finished" -> new JournalEntry.AttemptFinished(runId, node.path("stepId").asText(),
                    node.path("attempt").asInt(), AttemptStatus.fromWireName(node.path("status").asText()),
                    node.get("output"), error(node), at);
            case "run_finished" -> new JournalEntry.RunFinished(runId,
                    RunStatus.fromWireName(node.path("status").asText()), node.get("outputs"), error(node), at);
            case "cancel_requested" -> new JournalEntry.CancelRequested(runId,
                    node.hasNonNull("reason") ? node.get("reason").asText() : null, at);
            default -> throw new BatonException(ErrorCode.INTERNAL,
                    "run " + runId + " has an event of unknown type '" + type + "' (written by a newer Baton?)");
        };
    }

    private static void putIfPresent(ObjectNode node, String field, JsonNode value) {
        if (value != null) {
            node.set(field, value);
        }
    }

    private static void putError(ObjectNode node, StepError error) {
        if (error != null) {
            node.putObject("error").put("code", error.code()).put("message", error.message())
                    .put("retriable", error.retriable());
        }
    }

    private static StepError error(JsonNode node) {
        JsonNode error = node.get("error");
        if (error == null || !error.isObject()) {
            return null;
        }
        return new StepError(error.path("code").asText(), error.path("message").asText(),
                error.path("retriable").asBoolean());
    }
}
