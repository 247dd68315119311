package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.expr.Bindings;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;
import dev.baton.core.step.StepContext;
import dev.baton.core.workflow.Step;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One attempt of one step (or map item): evaluates {@code if} and {@code with}, journals {@code AttemptStarted},
 * hands over to the step type's {@link Execution}, enforces the attempt timeout, and journals
 * {@code AttemptFinished} before telling its {@link StepRunner}.
 *
 * <p>The outcome is decided exactly once ({@link #complete}): by the execution, by the timeout timer or by a
 * cancellation, whichever comes first; the loser's result is dropped. An attempt cancelled before it was journaled
 * as started leaves no record. Thread-safe: {@link #complete} may be called from any thread.
 *
 * <p>Observation ({@link dev.baton.core.engine.EngineObserver#attemptStarted}): an attempt is observed from the
 * moment its {@code AttemptStarted} is handed to the journal (or, when it went with the previous step's finish, is
 * durable; a skipped step when its {@code if} is found false; an attempt re-attached after a restart when it is
 * re-attached, with its journaled start), and its {@link ObservedAttempt} is finished exactly once: with the
 * outcome its runner is told, at the instant journaled with it; or {@code FAILED}/{@code interrupted} when the
 * engine closes first. With no observer no {@link ObservedAttempt} is allocated. The observation is held by its
 * {@link AttemptTelemetry}; the timeout by its {@link AttemptTimeout}.
 */
final class AttemptRun implements StepContext {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int ABORTED = 2;

    private final RunCoordinator run;
    private final StepRunner runner;
    private final Step step;
    private final String stepId;
    private final int attempt;
    private final Bindings bindings;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> startedDurable = new CompletableFuture<>();
    private final AttemptTimeout timeout = new AttemptTimeout(this);
    private volatile Execution execution;
    /** Whether {@code AttemptStarted} went to the journal with the previous step's finish (see prepareStart). */
    private volatile boolean prestarted;
    private JsonNode preparedInput;
    /** The start instant journaled by {@link #prepareStart}. */
    private Instant preparedAt;
    private final AttemptTelemetry telemetry = new AttemptTelemetry(this);

    AttemptRun(RunCoordinator run, StepRunner runner, Step step, String stepId, int attempt, Bindings bindings) {
        this.run = run;
        this.runner = runner;
        this.step = step;
        this.stepId = stepId;
        this.attempt = attempt;
        this.bindings = bindings;
    }

    /** Starts the attempt (on the run's mailbox). */
    void launch() {
        if (attempt == 1 && step.when() != null) {
            boolean proceed;
            try {
                proceed = isTruthy(step.when().render(bindings));
            } catch (BatonException e) {
                failBeforeStart(NullNode.getInstance(), e);
                return;
            }
            if (!proceed) {
                telemetry.start(run.clock().instant());
                state.set(STARTED);
                startedDurable.complete(null);
                complete(Outcome.skipped());
                return;
            }
        }
        JsonNode input;
        try {
            input = step.with().render(bindings);
        } catch (BatonException e) {
            failBeforeStart(NullNode.getInstance(), e);
            return;
        }
        Execution chosen;
        try {
            chosen = Execution.forStep(run, step);
        } catch (BatonException e) {
            failBeforeStart(input, e);
            return;
        }
        execution = chosen;
        chosen.begin(this, input);
    }

    /** Re-attaches to an attempt a previous process left running (sleep, child run, map). */
    void reattach(Execution chosen, StepAttempt previous) {
        state.set(STARTED);
        startedDurable.complete(null);
        execution = chosen;
        telemetry.start(previous.startedAt());
        timeout.armFrom(previous.startedAt());
        chosen.reattach(this, previous);
    }

    /**
     * Prepares attempt 1 of a plug-in handler step so that its {@code AttemptStarted} can be journaled in the same
     * append as the {@code AttemptFinished} of the step it depends on (one commit between a step finishing and its
     * dependent starting, instead of two). Renders {@code with} now, on the run's mailbox.
     *
     * @return the entry to journal, or {@code null} if this attempt must start the usual way (it has an {@code if},
     *         its arguments do not render, or its type is built in)
     */
    JournalEntry.AttemptStarted prepareStart() {
        if (attempt != 1 || step.when() != null) {
            return null;
        }
        Execution chosen;
        JsonNode input;
        try {
            chosen = Execution.forStep(run, step);
            if (!(chosen instanceof HandlerExecution)) {
                return null;
            }
            input = step.with().render(bindings);
        } catch (BatonException e) {
            return null; // the usual path records the failure
        }
        execution = chosen;
        preparedInput = input;
        preparedAt = run.clock().instant();
        return new JournalEntry.AttemptStarted(run.runId(), stepId, attempt, input, preparedAt);
    }

    /** The prepared {@code AttemptStarted} is durable: the attempt counts as started (on the run's mailbox). */
    void activatePrestarted() {
        telemetry.start(preparedAt);
        prestarted = true;
        state.set(STARTED);
        startedDurable.complete(null);
    }

    /** Hands a prestarted attempt to its execution (on the run's mailbox). */
    void beginPrestarted() {
        execution.begin(this, preparedInput);
    }

    private void failBeforeStart(JsonNode input, BatonException e) {
        if (markStarted(input)) {
            complete(Outcome.failed(e));
        }
    }

    /**
     * Journals {@code AttemptStarted} with the evaluated input, unless the attempt was cancelled first.
     *
     * @return whether the attempt is started (false: cancelled before it started, do nothing)
     */
    boolean markStarted(JsonNode input) {
        if (prestarted) {
            return true; // journaled with the previous step's finish
        }
        if (run.isClosed() || !state.compareAndSet(NEW, STARTED)) {
            return false;
        }
        Instant at = run.clock().instant();
        telemetry.start(at);
        run.journal().append(new JournalEntry.AttemptStarted(run.runId(), stepId, attempt, input, at))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        startedDurable.complete(null);
                    } else {
                        startedDurable.completeExceptionally(failure);
                        if (!run.isClosed()) {
                            complete(Outcome.failed(journalError(failure)));
                        }
                    }
                });
        return true;
    }

    /**
     * Records an attempt that is decided as soon as it starts (a pure computation such as {@code transform}):
     * {@code AttemptStarted} and {@code AttemptFinished} go to the journal in one append, and the runner is told
     * once both are durable. Does nothing if the attempt was cancelled first.
     */
    void startAndFinish(JsonNode input, Outcome result) {
        if (!state.compareAndSet(NEW, STARTED) || !outcome.complete(result)) {
            return;
        }
        Instant now = run.clock().instant();
        telemetry.start(now);
        run.journal().append(List.of(
                        new JournalEntry.AttemptStarted(run.runId(), stepId, attempt, input, now),
                        new JournalEntry.AttemptFinished(run.runId(), stepId, attempt, result.status(), result.output(),
                                result.error(), now)))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        startedDurable.complete(null);
                    } else {
                        startedDurable.completeExceptionally(failure);
                    }
                    if (run.isClosed()) {
                        return;
                    }
                    Outcome told = failure == null ? result : Outcome.failed(journalError(failure)).unrecorded();
                    run.mailbox().execute(() -> {
                        telemetry.finish(told, failure == null ? now : run.clock().instant());
                        runner.onAttemptFinished(this, told);
                    });
                });
    }

    /** Completes when {@code AttemptStarted} is durable. */
    CompletableFuture<Void> startedDurable() {
        return startedDurable;
    }

    /** Starts the attempt's timeout (step timeout, else the workflow default) from now. */
    void armTimeout() {
        timeout.armFromNow();
    }

    /** Whether a timeout of this attempt may be retried: its execution's call (yes before it has one). */
    boolean retriesOnTimeout() {
        Execution current = execution;
        return current == null || current.retriesOnTimeout();
    }

    /**
     * Decides the outcome, if not decided yet. An outcome decided from outside the execution (timeout, cancel)
     * stops the execution. The {@code AttemptFinished} entry is journaled after {@code AttemptStarted}, then the
     * runner is told on the run's mailbox.
     *
     * @return whether this call decided the outcome
     */
    boolean complete(Outcome result) {
        return complete(result, false);
    }

    /** As {@link #complete(Outcome)}, called by the execution itself (it needs no stopping). */
    boolean completeFromExecution(Outcome result) {
        return complete(result, true);
    }

    private boolean complete(Outcome result, boolean fromExecution) {
        if (!outcome.complete(result)) {
            return false;
        }
        timeout.cancel();
        boolean started = !state.compareAndSet(NEW, ABORTED);
        Execution current = execution;
        if (!fromExecution && current != null) {
            current.stop(this);
        }
        if (!started) {
            run.mailbox().execute(() -> runner.onAttemptFinished(this, result.unrecorded()));
            return true;
        }
        // The runner journals AttemptFinished on the mailbox, where it can add its dependents' starts.
        startedDurable.whenComplete((ok, failure) -> {
            if (run.isClosed()) {
                return; // the next process finds the attempt RUNNING and retries it
            }
            if (failure == null) {
                run.mailbox().execute(() -> runner.journalFinish(this, result));
            } else {
                // A store that refused the start fails the step rather than leaving it hanging.
                Outcome told = Outcome.failed(journalError(failure)).unrecorded();
                run.mailbox().execute(() -> {
                    telemetry.finish(told, run.clock().instant());
                    runner.onAttemptFinished(this, told);
                });
            }
        });
        return true;
    }

    /**
     * This node let go of the run (lease lost, drain): the attempt stops without journaling anything, since the
     * run's next owner resumes it from the journal. Handlers are interrupted and timers dropped; a child run or the
     * items of a map are left alone (the next owner re-attaches to them). On the run's mailbox.
     */
    void abandon() {
        state.compareAndSet(NEW, ABORTED);
        outcome.complete(Outcome.failed(StepError.of(ErrorCode.LEASE_LOST, "the run was handed to another node")));
        timeout.cancel();
        switch (execution) {
            case HandlerExecution handler -> handler.stop(this);
            case SleepExecution sleep -> sleep.stop(this);
            case MapExecution map -> map.abandon();
            case null, default -> { }
        }
        telemetry.interrupted(run.clock().instant());
    }

    /** This attempt's observation (see the class comment for when it starts and finishes). */
    AttemptTelemetry telemetry() {
        return telemetry;
    }

    StepError journalError(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = "the journal refused attempt " + attempt + " of step '" + stepId + "': " + cause.getMessage();
        return cause instanceof BatonException e ? new StepError(e.code().code(), message, false)
                : new StepError(ErrorCode.STORE_UNAVAILABLE.code(), message, false);
    }

    boolean isDone() {
        return outcome.isDone();
    }

    RunCoordinator run() {
        return run;
    }

    Step step() {
        return step;
    }

    Bindings bindings() {
        return bindings;
    }

    private static boolean isTruthy(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.doubleValue() != 0;
        }
        if (value.isTextual()) {
            return !value.textValue().isEmpty() && !"false".equals(value.textValue());
        }
        return !value.isEmpty();
    }

    // --- StepContext -------------------------------------------------------------------------------------------

    @Override
    public String tenantId() {
        return run.tenantId();
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String workflowId() {
        return run.workflow().id();
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String idempotencyKey() {
        return run.runId() + "/" + stepId;
    }

    @Override
    public InstantSource clock() {
        return run.clock();
    }

    @Override
    public Instant deadline() {
        return timeout.deadline();
    }

    @Override
    public java.util.Set<String> secretArguments() {
        return AttemptSecrets.arguments(step.with().secretReferences());
    }

    @Override
    public boolean isCancelled() {
        return outcome.isDone() || run.isClosed();
    }
}
