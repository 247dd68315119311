package dev.baton.core.workflow;

import dev.baton.core.error.SourceLocation;
import dev.baton.core.expr.ValueTemplate;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One node of a workflow's DAG.
 *
 * @param id        unique within its workflow: letters, digits, {@code _} and {@code -}, starting with a letter
 * @param uses      the step type, e.g. {@code embed}, {@code http}, {@code map}
 * @param with      the step's arguments, templated ({@code {{ ... }}} expressions are rendered before each attempt)
 * @param needs     ids of the steps that must finish first (in addition to those referenced by expressions)
 * @param when      the {@code if} condition; {@code null} means always. A false condition skips the step
 * @param retry     retry policy (the workflow default when not given)
 * @param timeout   per-attempt timeout, or {@code null} for the workflow default
 * @param onError   what the step's final failure does to the run
 * @param body      for {@code map} only: the step run once per item, with {@code item} and {@code index}
 *                  bound; {@code null} for every other type
 * @param location  where the step is defined in its source document
 */
public record Step(String id, String uses, ValueTemplate with, List<String> needs, ValueTemplate when,
                   RetryPolicy retry, Duration timeout, OnError onError, Step body, SourceLocation location) {
    public Step {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uses, "uses");
        Objects.requireNonNull(with, "with");
        needs = List.copyOf(needs);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(onError, "onError");
        location = location == null ? SourceLocation.UNKNOWN : location;
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /**
     * Every step this step depends on: its {@code needs}, the steps its {@code with} and {@code if} read, and
     * for a {@code map} step those its inner step reads. The engine starts the step when all of these have
     * finished; the validator checks them for existence and cycles.
     *
     * @return step ids in a stable order (needs first, then in order of appearance); unmodifiable. Computed on
     *         each call (cheap, but cache it on hot paths)
     */
    public Set<String> dependencies() {
        Set<String> ids = new LinkedHashSet<>(needs);
        ids.addAll(with.referencedSteps());
        if (when != null) {
            ids.addAll(when.referencedSteps());
        }
        if (body != null) {
            ids.addAll(body.dependencies());
        }
        return Collections.unmodifiableSet(ids);
    }
}
