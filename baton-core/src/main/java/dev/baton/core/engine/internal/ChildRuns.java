package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowResolver;

import java.util.Optional;

/**
 * Child runs of {@code workflow} steps and map items: created with the idempotency key {@code <runId>/<stepId>}
 * (a resumed parent finds the same child), with the parent's priority, and run on the parent's node; in a cluster
 * the parent's node claims the child's lease, and if another node got it first the parent follows the child as a
 * remote run.
 *
 * <p>Thread-safety: safe for concurrent use (stateless).
 */
final class ChildRuns {
    private final EngineCore core;
    private final RunStore store;
    private final WorkflowResolver resolver;
    private final InputValidator inputValidator;
    private final RunOwnership ownership;
    /** This node in its cluster, or {@code null}. */
    private final ClusterMember member;

    ChildRuns(EngineCore core, RunStore store, WorkflowResolver resolver, InputValidator inputValidator,
              RunOwnership ownership, ClusterMember member) {
        this.core = core;
        this.store = store;
        this.resolver = resolver;
        this.inputValidator = inputValidator;
        this.ownership = ownership;
        this.member = member;
    }

    /**
     * Starts (or, by its idempotency key, finds) the child run of a {@code workflow} step or map item.
     *
     * @param traceParent the child's {@link Run#traceParent()}: the parent attempt's, else the parent run's, or
     *                    {@code null}
     */
    Run start(RunCoordinator parent, String stepId, String workflowId, int version, JsonNode inputs,
              String traceParent) {
        String key = parent.runId() + "/" + stepId;
        Optional<Run> existing = store.findByIdempotencyKey(parent.tenantId(), key);
        if (existing.isPresent()) {
            if (existing.get().status() == RunStatus.QUEUED) {
                activateChild(existing.get());
            }
            return existing.get();
        }
        checkNesting(parent);
        Workflow workflow = resolver.resolve(parent.tenantId(), workflowId, version);
        JsonNode childInputs = inputValidator.validate(workflow,
                inputs == null ? JsonNodeFactory.instance.objectNode() : inputs);
        Run fresh = core.requests().newRun(parent.tenantId(), workflow, childInputs, parent.priority(), key,
                parent.runId(), stepId, traceParent);
        Run created = store.create(fresh);
        if (created.id().equals(fresh.id())) {
            core.observer().runQueued(created);
        }
        if (created.status() == RunStatus.QUEUED) {
            activateChild(created);
        }
        return created;
    }

    /** A queued child runs on its parent's node (in a cluster, if this node gets its lease). */
    private void activateChild(Run child) {
        if (member != null) {
            member.claimChild(child);
        } else {
            ownership.activateOnce(child);
        }
    }

    /** Refuses child runs nested deeper than {@link #EngineCore.MAX_NESTING} (a workflow that calls itself, directly or not). */
    private void checkNesting(RunCoordinator parent) {
        int depth = 1;
        String ancestor = parent.run().parentRunId();
        while (ancestor != null) {
            if (++depth >= EngineCore.MAX_NESTING) {
                throw new BatonException(ErrorCode.INVALID_ARGUMENT, "child runs are nested " + EngineCore.MAX_NESTING
                        + " deep under run " + parent.runId() + "; does workflow '" + parent.workflow().id()
                        + "' call itself?");
            }
            ancestor = store.find(parent.tenantId(), ancestor).map(Run::parentRunId).orElse(null);
        }
    }
}
