package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.run.TraceParent;

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
 * @param traceParent     the W3C {@code traceparent} the run's trace belongs under (e.g. the API request's
 *                        header), or {@code null}; stored as {@link dev.baton.core.run.Run#traceParent()}. An HTTP
 *                        edge passes only a valid header ({@link TraceParent#isValid}) and ignores others, as the
 *                        W3C asks
 * @throws dev.baton.core.error.BatonException INVALID_INPUT naming {@code traceparent} when it is not a valid
 *                                             version-00 traceparent
 */
public record StartRequest(String tenantId, String workflowId, int workflowVersion, JsonNode inputs, int priority,
                           String idempotencyKey, String traceParent) {
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
        TraceParent.require(traceParent);
    }

    /** A request without a {@code traceParent}. */
    public StartRequest(String tenantId, String workflowId, int workflowVersion, JsonNode inputs, int priority,
                        String idempotencyKey) {
        this(tenantId, workflowId, workflowVersion, inputs, priority, idempotencyKey, null);
    }

    public static StartRequest of(String tenantId, String workflowId, JsonNode inputs) {
        return new StartRequest(tenantId, workflowId, 0, inputs, 0, null, null);
    }

    /**
     * This request under another {@code traceparent}.
     *
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming {@code traceparent} when not valid
     */
    public StartRequest withTraceParent(String value) {
        return new StartRequest(tenantId, workflowId, workflowVersion, inputs, priority, idempotencyKey, value);
    }
}
