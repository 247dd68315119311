package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.expr.ValueTemplate;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A validated workflow definition: a DAG of steps plus its input schema and output expressions.
 * Instances are produced by the parser and validator; every instance is acyclic and internally consistent.
 *
 * @param id          the workflow id: letters, digits, {@code .}, {@code _}, {@code -}
 * @param version     version number assigned by the store (1, 2, ...), or 0 for a definition not yet stored
 * @param description free text, may be empty
 * @param inputSchema a JSON Schema for the run inputs (an object schema); {@code null} accepts any object
 * @param steps       steps by id, in document order
 * @param outputs     template of the run's output object, rendered after all steps finish; {@code null} means
 *                    the outputs of all steps keyed by step id
 * @param timeout     run-level timeout, or {@code null} for none
 * @param defaults    defaults applied to steps that do not set their own retry/timeout
 */
public record Workflow(String id, int version, String description, JsonNode inputSchema, Map<String, Step> steps,
                       ValueTemplate outputs, Duration timeout, StepDefaults defaults) {
    public Workflow {
        Objects.requireNonNull(id, "id");
        description = description == null ? "" : description;
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        Objects.requireNonNull(defaults, "defaults");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
    }

    /** The same workflow with the version the store assigned. */
    public Workflow withVersion(int newVersion) {
        return new Workflow(id, newVersion, description, inputSchema, steps, outputs, timeout, defaults);
    }

    /**
     * Workflow-level defaults for steps.
     *
     * @param retry   default retry policy
     * @param timeout default per-attempt timeout, or {@code null} for none
     */
    public record StepDefaults(RetryPolicy retry, Duration timeout) {
        public static final StepDefaults DEFAULT = new StepDefaults(RetryPolicy.DEFAULT, null);

        public StepDefaults {
            Objects.requireNonNull(retry, "retry");
        }
    }
}
