package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;

/**
 * {@code workflow} (and each item of a map over a workflow): starts a child run through the same engine with the
 * idempotency key {@code <runId>/<stepId>} and completes with the child's outputs. A resumed parent re-attaches to
 * the same child run (the key returns it). The parent waits without holding a permit. A child that does not
 * succeed fails the step with the child's error code; the step is not retried as a whole (the child's own steps
 * carry the retries, and the same key would return the same finished child).
 *
 * <p>The child run's {@code traceParent} is the parent attempt's observation's, else the parent run's.
 */
final class ChildRunExecution implements Execution {
    private volatile Run child;
    private volatile boolean stopped;

    @Override
    public void begin(AttemptRun attempt, JsonNode input) {
        if (!attempt.markStarted(input)) {
            return;
        }
        attempt.startedDurable().thenRun(() -> attempt.run().core().executor().execute(() -> {
            attempt.armTimeout();
            startAndWait(attempt, input);
        }));
    }

    @Override
    public boolean canReattach() {
        return true;
    }

    @Override
    public void reattach(AttemptRun attempt, StepAttempt previous) {
        JsonNode input = previous.input() == null ? JsonNodeFactory.instance.objectNode() : previous.input();
        attempt.run().core().executor().execute(() -> startAndWait(attempt, input));
    }

    @Override
    public boolean retriesOnTimeout() {
        return false;
    }

    private void startAndWait(AttemptRun attempt, JsonNode input) {
        RunCoordinator parent = attempt.run();
        Run started;
        try {
            JsonNode workflow = input.path("workflow");
            if (!workflow.isTextual() || workflow.textValue().isBlank()) {
                throw BuiltInArguments.invalid("with.workflow", "expected the id of a registered workflow");
            }
            JsonNode version = input.path("version");
            if (!version.isMissingNode() && !version.isNull() && !(version.canConvertToInt() && version.intValue() >= 0)) {
                throw BuiltInArguments.invalid("with.version", "expected a version number >= 1, or 0 for the latest");
            }
            JsonNode inputs = input.path("inputs");
            if (!inputs.isMissingNode() && !inputs.isNull() && !inputs.isObject()) {
                throw BuiltInArguments.invalid("with.inputs", "expected an object");
            }
            String traceParent = attempt.telemetry().traceParent();
            started = parent.core().startChild(parent, attempt.stepId(), workflow.textValue(),
                    version.isNumber() ? version.intValue() : 0, inputs.isObject() ? inputs : null,
                    traceParent != null ? traceParent : parent.run().traceParent());
        } catch (BatonException e) {
            attempt.completeFromExecution(Outcome.failed(new StepError(e.code().code(), e.getMessage(), false)));
            return;
        } catch (RuntimeException e) {
            attempt.completeFromExecution(Outcome.failed(new StepError(ErrorCode.INTERNAL.code(),
                    "child run of step '" + attempt.stepId() + "' could not be started: " + e, false)));
            return;
        }
        child = started;
        if (stopped) {
            parent.core().cancellation().cancelChild(started, "the parent step was stopped");
            return;
        }
        try {
            parent.core().completion(started.tenantId(), started.id())
                    .whenComplete((view, failure) -> finish(attempt, view, failure));
        } catch (RuntimeException e) {
            // A store that cannot be read now must not leave the parent step waiting forever.
            finish(attempt, null, e);
        }
    }

    private void finish(AttemptRun attempt, RunView view, Throwable failure) {
        if (failure != null) {
            attempt.completeFromExecution(Outcome.failed(new StepError(ErrorCode.INTERNAL.code(),
                    "child run of step '" + attempt.stepId() + "' could not be followed: " + failure, false)));
            return;
        }
        Run done = view.run();
        if (done.status() == RunStatus.SUCCEEDED) {
            attempt.completeFromExecution(Outcome.succeeded(done.outputs()));
            return;
        }
        StepError cause = done.error();
        String code = cause == null ? ErrorCode.STEP_FAILED.code() : cause.code();
        String message = "child run " + done.id() + " of workflow '" + done.workflowId() + "' ended "
                + done.status().wireName() + (cause == null ? "" : ": " + cause.message());
        attempt.completeFromExecution(Outcome.failed(new StepError(code, message, false)));
    }

    @Override
    public void stop(AttemptRun attempt) {
        stopped = true;
        Run current = child;
        if (current != null) {
            attempt.run().core().cancellation().cancelChild(current, "the parent step was stopped");
        }
    }
}
