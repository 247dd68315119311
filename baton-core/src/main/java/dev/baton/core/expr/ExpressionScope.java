package dev.baton.core.expr;

import java.util.List;

/**
 * Which variables an expression may use. Decided at compile time, so that using {@code item} outside a
 * {@code map} step is a validation error rather than a run-time surprise.
 */
public enum ExpressionScope {
    /** Step arguments, conditions and workflow outputs: {@code inputs}, {@code steps}, {@code run}. */
    RUN(List.of("inputs", "steps", "run")),
    /** The inner step (or child inputs) of a {@code map} step: also {@code item} and {@code index}. */
    MAP_ITEM(List.of("inputs", "steps", "run", "item", "index"));

    private final List<String> variables;

    ExpressionScope(List<String> variables) {
        this.variables = variables;
    }

    /** The variable names visible in this scope, in documentation order. */
    public List<String> variables() {
        return variables;
    }
}
