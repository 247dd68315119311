package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.Objects;

/**
 * A request to start a run.
 *
 * @param tenantId        owning tenant
 * @param workflowId      the workflow to run
 * @param workflowVersion a specific version, or 0 for the latest
 * @param inputs          run inputs (an object); {@code null} means {@code {}}
 * @param priority        -100..100, higher is admitted first; 0 normal
 * @param idempotencyKey  client key; the same key returns the same run; may be {@code null}
 */
public record StartRequest(String tenantId, String workflowId, int workflowVersion, JsonNode inputs, int priority,
                           String idempotencyKey) {
    public StartRequest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(workflowId, "workflowId");
        inputs = inputs == null || inputs.isNull() ? JsonNodeFactory.instance.objectNode() : inputs;
        if (workflowVersion < 0) {
            throw new IllegalArgumentException("workflowVersion must be >= 0, got " + workflowVersion);
        }
        if (priority < -100 || priority > 100) {
            throw new IllegalArgumentException("priority must be between -100 and 100, got " + priority);
        }
    }

    public static StartRequest of(String tenantId, String workflowId, JsonNode inputs) {
        return new StartRequest(tenantId, workflowId, 0, inputs, 0, null);
    }
}
