package dev.baton.server.api;

import dev.baton.core.engine.Engine;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunStore;

import java.util.Objects;

/**
 * Retrying a finished run ({@code POST /runs/{id}/retry}): starts a new run of the same workflow <em>version</em>
 * (even when the workflow was updated or deleted since: versions stay readable for their runs) with the same
 * inputs and priority. The old run is left as it is; the new one is an ordinary top-level run with no link to it
 * other than the answer's {@code retryOf}.
 *
 * <p>Rules: the run must belong to the tenant (another tenant's run is NOT_FOUND, exactly like a missing one); it
 * must be terminal (CONFLICT otherwise: cancel it first); it must be a top-level run (a child run of a
 * {@code workflow} or {@code map} step is retried through its parent: CONFLICT naming the parent).
 *
 * <p>Idempotency: the old run's {@code Idempotency-Key} is not reused (it names the old run). A retry request
 * may carry a key of its own, scoped to the retried run ({@code retry <run id> <key>}, separated by spaces), so
 * the same key on the same run returns the same new run. It never collides with a key given to a start request:
 * client keys are printable ASCII without spaces ({@code RunEndpoints}), so no start request can name a scoped
 * key. Thread-safe.
 */
final class RunRetry {
    /** The store's limit on idempotency keys (the {@code runs.idempotency_key} column). */
    private static final int MAX_KEY = 255;

    private final Engine engine;
    private final RunStore runs;

    RunRetry(Engine engine, RunStore runs) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.runs = Objects.requireNonNull(runs, "runs");
    }

    /**
     * The run {@code runId} of {@code tenant} if it may be retried.
     *
     * @throws BatonException NOT_FOUND when the tenant has no such run; CONFLICT when it is not terminal or is a
     *                        child run
     */
    Run retryable(String tenant, String runId) {
        Run old = runs.find(tenant, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        if (!old.status().isTerminal()) {
            throw new BatonException(ErrorCode.CONFLICT, "run " + runId + " is " + old.status().wireName()
                    + "; only a finished run (succeeded, failed, cancelled or timed out) can be retried");
        }
        if (old.parentRunId() != null) {
            throw new BatonException(ErrorCode.CONFLICT, "run " + runId + " is a child run of run "
                    + old.parentRunId() + " (step " + old.parentStepId() + "); retry the parent run instead");
        }
        return old;
    }

    /**
     * Starts the retry of {@code old}, a run {@link #retryable} returned.
     *
     * @param idempotencyKey the request's {@code Idempotency-Key} (already checked for shape), or {@code null}
     * @param traceParent    the {@code traceparent} to start the new run under, or {@code null}
     * @return the new run (QUEUED or further); with a key already used on this run, the run it started then
     * @throws BatonException as {@link Engine#start} (e.g. 503 while the engine is draining)
     */
    Run start(Run old, String idempotencyKey, String traceParent) {
        return engine.start(new StartRequest(old.tenantId(), old.workflowId(), old.workflowVersion(), old.inputs(),
                old.priority(), scopedKey(old.id(), idempotencyKey), traceParent));
    }

    /** The stored idempotency key of a retry of run {@code runId} with request key {@code key} ({@code null}: none). */
    static String scopedKey(String runId, String key) {
        if (key == null) {
            return null;
        }
        // the separator is a space, which a client's Idempotency-Key cannot contain ([\x21-\x7e]{1,200})
        String scoped = "retry " + runId + " " + key;
        if (scoped.length() > MAX_KEY) {
            throw BatonException.invalidInput("Idempotency-Key", "is too long for a retry of run " + runId
                    + ": at most " + (MAX_KEY - scoped.length() + key.length()) + " characters");
        }
        return scoped;
    }
}
