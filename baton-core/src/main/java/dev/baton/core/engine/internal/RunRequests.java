package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowResolver;

import java.util.Optional;
import java.util.UUID;

/**
 * Turns start requests into runs for {@link EngineCore} and {@link ChildRuns}: new {@code QUEUED} run records
 * (random UUID ids, created at the engine clock's time) and the idempotency-key check of a start, which gives back
 * the run a key already names only when the request is the one that created it.
 *
 * <p>Thread-safety: safe for concurrent use (stateless; the store, resolver and validator are thread-safe).
 */
final class RunRequests {
    private final RunStore store;
    private final WorkflowResolver resolver;
    private final InputValidator inputValidator;
    private final EngineClock clock;

    RunRequests(RunStore store, WorkflowResolver resolver, InputValidator inputValidator, EngineClock clock) {
        this.store = store;
        this.resolver = resolver;
        this.inputValidator = inputValidator;
        this.clock = clock;
    }

    /**
     * The run the request's idempotency key already names (checked with {@link #sameRequest}), or empty when the
     * request has no key or the key is new.
     *
     * @throws BatonException CONFLICT when the key was used for a different request
     */
    Optional<Run> existing(StartRequest request) {
        if (request.idempotencyKey() == null) {
            return Optional.empty();
        }
        return store.findByIdempotencyKey(request.tenantId(), request.idempotencyKey())
                .map(existing -> sameRequest(existing, request));
    }

    /**
     * Returns the run an idempotency key already names, after checking the request is the one that created it:
     * same workflow and same inputs (with the defaults of the run's workflow version applied).
     *
     * @throws BatonException CONFLICT when the key was used for a different request
     */
    Run sameRequest(Run existing, StartRequest request) {
        boolean same = existing.workflowId().equals(request.workflowId());
        if (same) {
            JsonNode inputs;
            try {
                Workflow workflow = resolver.resolve(request.tenantId(), existing.workflowId(),
                        existing.workflowVersion());
                inputs = inputValidator.validate(workflow, request.inputs());
            } catch (BatonException e) {
                inputs = request.inputs();
            }
            same = existing.inputs().equals(inputs);
        }
        if (!same) {
            throw new BatonException(ErrorCode.CONFLICT, "Idempotency-Key '" + request.idempotencyKey()
                    + "' was used for a different request (workflow/inputs differ)");
        }
        return existing;
    }

    /** A new {@code QUEUED} run of {@code workflow}, not stored yet. */
    Run newRun(String tenantId, Workflow workflow, JsonNode inputs, int priority, String key,
               String parentRunId, String parentStepId, String traceParent) {
        return new Run(UUID.randomUUID().toString(), tenantId, workflow.id(), workflow.version(), RunStatus.QUEUED,
                priority, inputs, null, null, key, parentRunId, parentStepId, clock.instant(), null, null,
                traceParent);
    }
}
