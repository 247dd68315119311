package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.expr.Bindings;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The variables a run's expressions see: {@code inputs}, {@code steps.<id>.{output,status,error}} of the finished
 * steps, and {@code run.{id,workflow,version,startedAt,attempt}}. Updated by the {@link RunCoordinator} as steps
 * finish.
 *
 * <p>Thread-safety: not thread-safe; confined to the run's {@link Mailbox}.
 */
final class RunBindings {
    private final Run run;
    private final Map<String, JsonNode> finishedSteps = new HashMap<>();
    private Instant startedAt;

    RunBindings(Run run) {
        this.run = run;
    }

    /** The run began (or resumed) at this instant: {@code run.startedAt}. */
    void started(Instant at) {
        startedAt = at;
    }

    /** Records a step's final outcome as {@code steps.<id>}. */
    void stepFinished(String stepId, Outcome outcome) {
        finishedSteps.put(stepId, stepBinding(outcome));
    }

    /** The finished steps plus {@code stepId} with the given outcome (not recorded), for {@link #of(int, Map)}. */
    Map<String, JsonNode> stepsWith(String stepId, Outcome outcome) {
        Map<String, JsonNode> steps = new HashMap<>(finishedSteps);
        steps.put(stepId, stepBinding(outcome));
        return steps;
    }

    /** The variables of an attempt: inputs, finished steps, run metadata (with {@code attempt} when n > 0). */
    Bindings of(int attempt) {
        return of(attempt, finishedSteps);
    }

    /** As {@link #of(int)}, with the given {@code steps}. */
    Bindings of(int attempt, Map<String, JsonNode> steps) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode()
                .put("id", run.id())
                .put("workflow", run.workflowId())
                .put("version", run.workflowVersion())
                .put("startedAt", startedAt == null ? null : startedAt.toString());
        if (attempt > 0) {
            meta.put("attempt", attempt);
        }
        return new Bindings(run.inputs(), steps, meta, Map.of());
    }

    private static JsonNode stepBinding(Outcome outcome) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("output", outcome.status() == AttemptStatus.SUCCEEDED ? outcome.output() : null);
        node.put("status", outcome.status().wireName());
        if (outcome.error() == null) {
            node.putNull("error");
        } else {
            node.putObject("error").put("code", outcome.error().code()).put("message", outcome.error().message())
                    .put("retriable", outcome.error().retriable());
        }
        return node;
    }
}
