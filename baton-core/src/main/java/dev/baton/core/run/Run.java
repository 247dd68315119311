package dev.baton.core.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * The durable record of one execution of a workflow version.
 *
 * @param id             run id (a UUID string)
 * @param tenantId       owning tenant ({@code default} until multi-tenancy)
 * @param workflowId     the workflow's id
 * @param workflowVersion the exact workflow version this run executes
 * @param status         current status
 * @param priority       admission priority, higher first; 0 is normal, range -100..100
 * @param inputs         the validated run inputs (an object)
 * @param outputs        the run outputs once succeeded, else {@code null}
 * @param error          the reason once failed, cancelled or timed out, else {@code null}
 * @param idempotencyKey the client's {@code Idempotency-Key}, or {@code null}
 * @param parentRunId    the parent run for child runs of {@code workflow}/{@code map} steps, else {@code null}
 * @param parentStepId   the parent's step id, else {@code null}
 * @param createdAt      when the run was accepted
 * @param startedAt      when it left the queue, or {@code null}
 * @param finishedAt     when it reached a terminal status, or {@code null}
 * @param traceParent    the W3C {@code traceparent} the run's trace belongs under ({@link TraceParent} form): from
 *                       the start request, or for a child run from the parent attempt; {@code null} when none (the
 *                       run's trace id is then derived from its id)
 */
public record Run(String id, String tenantId, String workflowId, int workflowVersion, RunStatus status, int priority,
                  JsonNode inputs, JsonNode outputs, StepError error, String idempotencyKey, String parentRunId,
                  String parentStepId, Instant createdAt, Instant startedAt, Instant finishedAt,
                  String traceParent) {
    public Run {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(createdAt, "createdAt");
        if (priority < -100 || priority > 100) {
            throw new IllegalArgumentException("priority must be between -100 and 100, got " + priority);
        }
        if (traceParent != null && !TraceParent.isValid(traceParent)) {
            throw new IllegalArgumentException("traceParent must be a W3C traceparent, got " + traceParent);
        }
    }

    /** A run without a {@code traceParent} (the form before traces existed). */
    public Run(String id, String tenantId, String workflowId, int workflowVersion, RunStatus status, int priority,
               JsonNode inputs, JsonNode outputs, StepError error, String idempotencyKey, String parentRunId,
               String parentStepId, Instant createdAt, Instant startedAt, Instant finishedAt) {
        this(id, tenantId, workflowId, workflowVersion, status, priority, inputs, outputs, error, idempotencyKey,
                parentRunId, parentStepId, createdAt, startedAt, finishedAt, null);
    }

    public Run withStatus(RunStatus newStatus) {
        return new Run(id, tenantId, workflowId, workflowVersion, newStatus, priority, inputs, outputs, error,
                idempotencyKey, parentRunId, parentStepId, createdAt, startedAt, finishedAt, traceParent);
    }

    /** This run {@code RUNNING} since {@code at} (it left the queue). */
    public Run started(Instant at) {
        return new Run(id, tenantId, workflowId, workflowVersion, RunStatus.RUNNING, priority, inputs, outputs, error,
                idempotencyKey, parentRunId, parentStepId, createdAt, at, finishedAt, traceParent);
    }

    /**
     * This run in a terminal status.
     *
     * @param newOutputs the outputs (when succeeded), else {@code null}
     * @param newError   the reason (when failed, cancelled or timed out), else {@code null}
     * @param started    when it started ({@code null} if it never did)
     * @param at         when it finished
     */
    public Run finished(RunStatus newStatus, JsonNode newOutputs, StepError newError, Instant started, Instant at) {
        return new Run(id, tenantId, workflowId, workflowVersion, newStatus, priority, inputs, newOutputs, newError,
                idempotencyKey, parentRunId, parentStepId, createdAt, started, at, traceParent);
    }
}
