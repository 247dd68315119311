package dev.baton.core.engine.internal;

import dev.baton.core.engine.EngineClock;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.expr.Bindings;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;
import dev.baton.core.workflow.Step;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Drives one step (a top-level step or one item of a map) through its attempts until a final outcome: launches
 * attempt 1, retries failed attempts whose error is retriable after {@code retry.delayBefore(n, random)} on the
 * engine clock, up to {@code retry.maxAttempts}, and reports the final outcome once.
 *
 * <p>Attempts interrupted by an engine restart (error code {@code interrupted}) do not count against
 * {@code maxAttempts} and are retried at once: a crash must not eat a step's retry budget. Their attempt numbers
 * are still consumed, so attempt numbers stay unique.
 *
 * <p>Confined to the run's mailbox.
 */
final class StepRunner {
    private final RunCoordinator run;
    private final Step step;
    private final String stepId;
    private final IntFunction<Bindings> bindings;
    private final Consumer<Outcome> onFinal;
    private int lastAttempt;
    private int interruptions;
    private AttemptRun current;
    private EngineClock.Timer retryTimer;
    private boolean cancelling;
    private StepError cancelReason;
    private boolean done;
    private Function<Outcome, Prestarts> prestarter = outcome -> Prestarts.NONE;

    /**
     * @param bindings the variables for attempt n
     * @param onFinal  called once on the mailbox with the step's final outcome
     */
    StepRunner(RunCoordinator run, Step step, String stepId, IntFunction<Bindings> bindings, Consumer<Outcome> onFinal) {
        this.run = run;
        this.step = step;
        this.stepId = stepId;
        this.bindings = bindings;
        this.onFinal = onFinal;
    }

    void start() {
        launch(lastAttempt + 1);
    }

    /**
     * Sets what prepares the starts of the dependents of this step when it succeeds (top-level steps; map items
     * have none), so they are journaled with this step's {@code AttemptFinished}.
     */
    void prestartDependentsWith(Function<Outcome, Prestarts> prestarter) {
        this.prestarter = prestarter;
    }

    /**
     * Prepares attempt 1 without starting it (see {@link AttemptRun#prepareStart()}).
     *
     * @return its {@code AttemptStarted}, or {@code null} if it must be started with {@link #start()}
     */
    JournalEntry.AttemptStarted prepareFirst(Bindings first) {
        AttemptRun prepared = new AttemptRun(run, this, step, stepId, 1, first);
        JournalEntry.AttemptStarted entry = prepared.prepareStart();
        if (entry != null) {
            lastAttempt = 1;
            current = prepared;
        }
        return entry;
    }

    /** The prepared start is durable: the attempt is started; {@code begin} hands it to its execution. */
    void activatePrepared(boolean begin) {
        current.activatePrestarted();
        if (begin) {
            current.beginPrestarted();
        }
    }

    /**
     * Journals an attempt's decided outcome (on the mailbox, once its start is durable). A success that ends the
     * step carries the starts of the dependents it makes ready in the same append; they begin once it is durable.
     */
    void journalFinish(AttemptRun attempt, Outcome result) {
        if (run.isClosed()) {
            return; // let go of (or the engine closed): the next owner finds the attempt RUNNING and retries it
        }
        Prestarts prestarts = !done && !cancelling && attempt == current
                && result.status() == AttemptStatus.SUCCEEDED ? prestarter.apply(result) : Prestarts.NONE;
        List<JournalEntry> entries = new ArrayList<>(1 + prestarts.entries().size());
        Instant at = run.clock().instant();
        entries.add(new JournalEntry.AttemptFinished(run.runId(), stepId, attempt.attempt(), result.status(),
                result.output(), result.error(), at));
        entries.addAll(prestarts.entries());
        run.journal().append(entries).whenComplete((ok, failure) -> {
            if (run.isClosed()) {
                return; // the next process finds the attempts RUNNING and retries them
            }
            Outcome told = failure == null ? result : Outcome.failed(attempt.journalError(failure)).unrecorded();
            run.mailbox().execute(() -> {
                // Observed before the dependents it started, so observers see a step end before the next begins.
                attempt.telemetry().finish(told, failure == null ? at : run.clock().instant());
                if (failure == null) {
                    prestarts.activate();
                } else {
                    prestarts.discard();
                }
                onAttemptFinished(attempt, told);
            });
        });
    }

    private void launch(int attempt) {
        lastAttempt = attempt;
        current = new AttemptRun(run, this, step, stepId, attempt, bindings.apply(attempt));
        current.launch();
    }

    /**
     * Continues from attempts journaled by a previous process: a finished step stays finished (its output comes
     * from the journal), a failed attempt is retried if the policy allows, a running attempt is re-attached
     * (sleep, workflow, map) or recorded as interrupted and retried.
     */
    void recover(List<StepAttempt> attempts) {
        List<StepAttempt> ordered = attempts.stream().sorted(Comparator.comparingInt(StepAttempt::attempt)).toList();
        StepAttempt latest = ordered.getLast();
        if (done) {
            // The run ended while it was being rebuilt: close the attempt the crash left open, do not resume it.
            if (!latest.status().isTerminal()) {
                run.journal().append(new JournalEntry.AttemptFinished(run.runId(), stepId, latest.attempt(),
                        AttemptStatus.CANCELLED, null, cancelReason, run.clock().instant()));
            }
            return;
        }
        lastAttempt = latest.attempt();
        // The latest attempt is counted by onAttemptFinished below, the earlier ones here.
        interruptions = (int) ordered.subList(0, ordered.size() - 1).stream().filter(a -> a.error() != null
                && ErrorCode.INTERRUPTED.code().equals(a.error().code())).count();
        if (latest.status().isTerminal()) {
            onAttemptFinished(null, Outcome.of(latest));
            return;
        }
        Execution execution = Execution.forStepOrNull(run, step);
        if (execution != null && execution.canReattach()) {
            current = new AttemptRun(run, this, step, stepId, latest.attempt(), bindings.apply(latest.attempt()));
            current.reattach(execution, latest);
            return;
        }
        Outcome interrupted = Outcome.failed(new StepError(ErrorCode.INTERRUPTED.code(),
                "attempt " + latest.attempt() + " of step '" + stepId + "' was interrupted by restart", true));
        run.journal().append(new JournalEntry.AttemptFinished(run.runId(), stepId, latest.attempt(),
                        interrupted.status(), null, interrupted.error(), run.clock().instant()))
                .whenComplete((ignored, failure) -> {
                    Outcome told = failure == null ? interrupted
                            : Outcome.failed(journalRefusal(latest.attempt(), failure)).unrecorded();
                    run.mailbox().execute(() -> onAttemptFinished(null, told));
                });
    }

    /** The step error for a journal that refused to record the interruption of {@code attempt} on resume. */
    private StepError journalRefusal(int attempt, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = "the journal refused attempt " + attempt + " of step '" + stepId + "': " + cause.getMessage();
        return cause instanceof BatonException e ? new StepError(e.code().code(), message, false)
                : new StepError(ErrorCode.STORE_UNAVAILABLE.code(), message, false);
    }

    /** Called on the mailbox when an attempt's outcome is durable (or it was cancelled before it started). */
    void onAttemptFinished(AttemptRun attempt, Outcome outcome) {
        if (attempt != null && attempt == current) {
            current = null;
        }
        if (done) {
            return;
        }
        if (outcome.isInterruption()) {
            interruptions++;
        }
        if (!outcome.recorded()) {
            finish(outcome);
            return;
        }
        boolean retry = !cancelling && outcome.isFailure() && outcome.error() != null && outcome.error().retriable()
                && lastAttempt - interruptions < step.retry().maxAttempts();
        if (!retry) {
            finish(outcome);
            return;
        }
        Duration delay = outcome.isInterruption() ? Duration.ZERO
                : run.core().backoff(step.retry(), lastAttempt - interruptions + 1);
        Runnable retryNow = () -> {
            retryTimer = null;
            if (!done && !cancelling) {
                launch(lastAttempt + 1);
            }
        };
        if (delay.isZero()) {
            run.mailbox().execute(retryNow);
        } else {
            retryTimer = run.clock().schedule(delay, () -> run.mailbox().execute(retryNow));
        }
    }

    /** Stops the step: a running attempt is cancelled, a pending retry is dropped. Idempotent. */
    void cancel(StepError reason) {
        if (done || cancelling) {
            return;
        }
        cancelling = true;
        cancelReason = reason;
        Outcome cancelled = Outcome.cancelled(reason);
        if (current != null) {
            // If its outcome was already decided, the pending onAttemptFinished finishes the step (no retry).
            current.complete(cancelled);
            return;
        }
        if (retryTimer != null) {
            retryTimer.cancel();
            retryTimer = null;
        }
        finish(cancelled.unrecorded());
    }

    /** The run was let go (see {@link AttemptRun#abandon}): nothing more is started or journaled. */
    void abandon() {
        done = true;
        if (retryTimer != null) {
            retryTimer.cancel();
            retryTimer = null;
        }
        if (current != null) {
            current.abandon();
        }
    }

    private void finish(Outcome outcome) {
        done = true;
        onFinal.accept(outcome);
    }

    String stepId() {
        return stepId;
    }

    boolean isDone() {
        return done;
    }
}
