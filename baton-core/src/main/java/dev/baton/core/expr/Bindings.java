package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.Map;
import java.util.Objects;

/**
 * The read-only variables an expression sees.
 *
 * @param inputs the run's inputs (an object)
 * @param steps  finished steps by id; each value is an object {@code {"output": ..., "status": ..., "error": ...}}
 * @param run    run metadata: {@code {"id", "workflow", "version", "attempt"?, "startedAt"}}
 * @param locals loop variables, e.g. {@code item} and {@code index} inside {@code map}; empty outside loops
 */
public record Bindings(JsonNode inputs, Map<String, JsonNode> steps, JsonNode run, Map<String, JsonNode> locals) {
    public Bindings {
        inputs = inputs == null ? NullNode.getInstance() : inputs;
        steps = Map.copyOf(Objects.requireNonNull(steps, "steps"));
        run = run == null ? NullNode.getInstance() : run;
        locals = Map.copyOf(Objects.requireNonNull(locals, "locals"));
    }

    /** The same bindings with extra loop variables. */
    public Bindings withLocals(Map<String, JsonNode> extra) {
        var merged = new java.util.HashMap<>(locals);
        merged.putAll(extra);
        return new Bindings(inputs, steps, run, merged);
    }
}
