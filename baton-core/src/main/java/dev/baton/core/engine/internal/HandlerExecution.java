package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.expr.SecretReference;
import dev.baton.core.run.StepError;
import dev.baton.core.secret.Redaction;
import dev.baton.core.step.StepHandler;

import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * A plug-in {@link StepHandler} attempt on its own virtual thread: takes the step type's permit, then the global
 * permit (both by run priority), journals the start, executes, and releases the permits when the handler returns.
 *
 * <p>Error mapping: {@link BatonException} → FAILED with its code and retriability; any other exception →
 * non-retriable {@code STEP_FAILED}. Cancellation and timeout interrupt the thread; their outcome was decided
 * before the interrupt, so whatever the handler does afterwards is ignored. A handler that ignores interrupts
 * keeps its permits until it returns (the limits are never exceeded), but the run moves on at once.
 *
 * <p>Secrets: when the step's arguments reference {@code {{ secrets.NAME }}}, the values are resolved and the
 * arguments rendered again with them on the handler's thread, right before {@link StepHandler#execute}; the
 * journaled input keeps {@code [secret:NAME]}, and the values are scrubbed from the outcome before it is
 * journaled ({@link AttemptSecrets}).
 *
 * <p>On the handler's thread the log context ({@link LogContext}) holds {@code runId}, {@code workflowId},
 * {@code stepId} and {@code attempt} for the whole task, and the attempt's observation is entered immediately around
 * {@link StepHandler#execute} (its scope is closed in {@code finally} on the same thread).
 */
final class HandlerExecution implements Execution {
    private final StepHandler handler;
    private volatile Thread thread;
    private volatile boolean stopped;

    HandlerExecution(StepHandler handler) {
        this.handler = handler;
    }

    @Override
    public void begin(AttemptRun attempt, JsonNode input) {
        attempt.run().core().executor().execute(() -> {
            thread = Thread.currentThread();
            LogContext.putAttempt(attempt.runId(), attempt.workflowId(), attempt.stepId(), attempt.attempt());
            try {
                if (!stopped) {
                    run(attempt, input);
                }
            } catch (RuntimeException | Error e) {
                // Not the handler (its exceptions are outcomes): the engine itself failed around it.
                attempt.complete(Outcome.failed(new StepError(ErrorCode.INTERNAL.code(),
                        "step '" + attempt.stepId() + "' attempt " + attempt.attempt() + " failed inside the engine: "
                                + e, false)));
            } finally {
                LogContext.removeAttempt();
            }
        });
    }

    private void run(AttemptRun attempt, JsonNode input) {
        RunCoordinator run = attempt.run();
        PriorityPermits typePermits = run.core().typePermits(handler);
        PriorityPermits global = run.core().globalPermits();
        int priority = run.priority();
        try {
            typePermits.acquire(priority);
        } catch (InterruptedException e) {
            return;
        }
        try {
            global.acquire(priority);
        } catch (InterruptedException e) {
            typePermits.release();
            return;
        }
        try {
            execute(attempt, input);
        } finally {
            global.release();
            typePermits.release();
        }
    }

    private void execute(AttemptRun attempt, JsonNode input) {
        if (!attempt.markStarted(input)) {
            return;
        }
        try {
            attempt.startedDurable().join();
        } catch (CompletionException e) {
            return;
        }
        attempt.armTimeout();
        if (attempt.isDone()) {
            return;
        }
        Outcome result;
        Redaction redaction = Redaction.NONE;
        AttemptObservation.Scope scope = attempt.telemetry().enter();
        try {
            JsonNode arguments = input;
            List<SecretReference> secrets = attempt.step().with().secretReferences();
            if (!secrets.isEmpty()) {
                AttemptSecrets values = AttemptSecrets.resolve(attempt.run().core().secrets(), attempt.tenantId(),
                        attempt.stepId(), handler.type(), handler.signature(), secrets);
                redaction = values.redaction();
                arguments = attempt.step().with().render(attempt.bindings(), values);
            }
            result = Outcome.succeeded(handler.execute(attempt, arguments));
        } catch (BatonException e) {
            // INTERRUPTED is reserved for restart recovery (not counted against maxAttempts); a handler that
            // raises it had an ordinary, counted attempt.
            result = e.code() == ErrorCode.INTERRUPTED ? Outcome.failed(interrupted(attempt, e.getMessage()))
                    : Outcome.failed(e);
        } catch (InterruptedException e) {
            // When the engine stopped the attempt (cancel, timeout, shutdown) its outcome is already decided and
            // this one is ignored; any other interrupt is the handler's own failure and counts as an attempt.
            result = Outcome.failed(interrupted(attempt, e.getMessage()));
        } catch (Exception | Error e) {
            result = Outcome.failed(new StepError(ErrorCode.STEP_FAILED.code(),
                    "step '" + attempt.stepId() + "' failed: " + e, false));
        } finally {
            attempt.telemetry().exit(scope);
        }
        attempt.completeFromExecution(AttemptSecrets.scrub(result, redaction));
    }

    private static StepError interrupted(AttemptRun attempt, String detail) {
        return new StepError(ErrorCode.STEP_FAILED.code(), "step '" + attempt.stepId() + "': handler was interrupted"
                + (detail == null || detail.isBlank() ? "" : ": " + detail), true);
    }

    @Override
    public void stop(AttemptRun attempt) {
        stopped = true;
        Thread worker = thread;
        if (worker != null) {
            worker.interrupt();
        }
    }
}
