package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.internal.StepGraph.Slot;
import dev.baton.core.engine.internal.StepGraph.SlotState;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.expr.Bindings;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;
import dev.baton.core.workflow.OnError;
import dev.baton.core.workflow.Workflow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The single owner of one running run on this node. Everything it decides happens on the run's {@link Mailbox}:
 * which steps are ready (all dependencies finished), launching them (each through a {@link StepRunner}), reacting
 * to their final outcomes, ending the run (success with rendered outputs, failure of an {@code onError: fail}
 * step, cancellation, run timeout) and journaling {@code RunFinished}.
 *
 * <p>Steps whose dependencies failed with {@code onError: continue} or were skipped still run; they see
 * {@code steps.<id>.status} and a {@code null} output. When the run must end early, running steps are cancelled
 * and pending ones never start; {@code RunFinished} is journaled once every running step has stopped.
 *
 * <p>Failure handling: a mailbox task that throws (a bug, or an exception a step type did not expect) ends the run
 * {@code FAILED} with {@code internal}; a {@code RunStarted} the store refuses fails the run; a {@code RunFinished}
 * the store refuses is reported to the engine, which fails the run's waiters. A run never hangs silently.
 *
 * <p>The steps and their readiness are a {@link StepGraph}; the variables the run's expressions see are
 * {@link RunBindings}; starts of dependents journaled with their dependency's finish are {@link Prestarts}; the run
 * timeout, the outputs and the journaling of {@code RunFinished} are carried out by its {@link RunFinish}.
 *
 * <p>Thread-safety: its state is confined to the run's mailbox; {@link #start}, {@link #resume} and
 * {@link #cancel} may be called from any thread (they hand their work to the mailbox).
 */
final class RunCoordinator {
    private final EngineCore core;
    private final Workflow workflow;
    private final Mailbox mailbox;
    private final RunJournal journal;
    private final StepGraph graph;
    private final RunBindings bindings;
    private Map<String, List<StepAttempt>> recovered = Map.of();
    private volatile Run run;
    private final RunFinish runFinish;
    private RunStatus ending;
    private StepError endingError;
    private volatile boolean finishing;
    /** While rebuilding from the journal: steps found finished must not dispatch others yet. */
    private boolean recovering;
    /** This node let go of the run (lease lost, drained): nothing more is dispatched or journaled. */
    private volatile boolean abandoned;

    RunCoordinator(EngineCore core, Run run, Workflow workflow) {
        this.core = core;
        this.run = run;
        this.workflow = workflow;
        this.mailbox = new Mailbox(core.executor(), this::onTaskFailure, run.id(), run.workflowId());
        this.journal = new RunJournal(core.journal(), this::isAbandoned);
        this.graph = new StepGraph(workflow);
        this.bindings = new RunBindings(run);
        this.runFinish = new RunFinish(this, graph, bindings);
    }

    /** Starts a queued run: journals {@code RunStarted}, then dispatches the first steps. */
    void start() {
        start(null);
    }

    /**
     * Starts a queued run; with a {@code cancelReason} (a cancel requested while it was being admitted) it ends
     * {@code CANCELLED} right after {@code RunStarted}, before any step runs.
     */
    void start(String cancelReason) {
        Instant now = clock().instant();
        journal.append(new JournalEntry.RunStarted(run.id(), now)).whenComplete((ok, failure) -> {
            if (failure == null) {
                runFinish.started(now);
                Run queued = run;
                run = queued.started(now);
                mailbox.execute(() -> {
                    core.observer().runStarted(run, Admission.queueWait(queued, now));
                    if (cancelReason == null) {
                        begin(now);
                    } else {
                        end(RunStatus.CANCELLED, cancelled(cancelReason));
                    }
                });
            } else if (!isClosed()) {
                mailbox.execute(() -> {
                    if (!finishing) {
                        finish(RunStatus.FAILED, null, RunFinish.storeError(
                                "the journal refused the start of run " + run.id(), failure));
                    }
                });
            }
        });
    }

    /**
     * A mailbox task threw (a bug, or an exception nobody expected): the run's state can no longer be trusted, so it
     * ends FAILED with {@code internal} at once; running steps are cancelled, their late outcomes are ignored.
     */
    private void onTaskFailure(Throwable failure) {
        if (finishing || isClosed()) {
            return;
        }
        StepError error = new StepError(ErrorCode.INTERNAL.code(), "run " + run.id() + " failed inside the engine: "
                + failure, false);
        try {
            end(RunStatus.FAILED, error);
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
        if (!finishing) {
            finish(RunStatus.FAILED, null, error);
        }
    }

    /**
     * Resumes a run a previous process left running, from its journaled attempts.
     *
     * @param cancelReason the reason of a cancellation requested before the restart, or {@code null}
     */
    void resume(List<StepAttempt> attempts, String cancelReason) {
        mailbox.execute(() -> {
            recovering = true;
            journal.seed(attempts);
            recovered = attempts.stream().collect(Collectors.groupingBy(StepAttempt::stepId));
            Instant began = run.startedAt() != null ? run.startedAt() : clock().instant();
            armRunTimeout(began);
            bindings.started(began);
            List<Slot> resumed = graph.slots().stream()
                    .filter(slot -> recovered.containsKey(slot.step.id())).toList();
            for (Slot slot : resumed) {
                slot.runner = runnerFor(slot);
                slot.state = SlotState.ACTIVE;
            }
            // All resumed steps are active before any reports, so an early end cancels every one of them.
            for (Slot slot : resumed) {
                slot.runner.recover(recovered.get(slot.step.id()));
            }
            recovered = Map.of();
            recovering = false;
            if (cancelReason != null) {
                end(RunStatus.CANCELLED, cancelled(cancelReason));
            }
            dispatch();
        });
    }

    private void begin(Instant now) {
        bindings.started(now);
        armRunTimeout(now);
        dispatch();
    }

    private void armRunTimeout(Instant began) {
        runFinish.armTimeout(began, error -> mailbox.execute(() -> end(RunStatus.TIMED_OUT, error)));
    }

    /** Requests cancellation (after {@code CancelRequested} is durable). */
    void cancel(String reason) {
        mailbox.execute(() -> end(RunStatus.CANCELLED, cancelled(reason)));
    }

    private static StepError cancelled(String reason) {
        return StepError.of(ErrorCode.CANCELLED, reason == null || reason.isBlank() ? "cancelled" : "cancelled: " + reason);
    }

    private void end(RunStatus status, StepError error) {
        if (ending != null || finishing) {
            return;
        }
        ending = status;
        endingError = error;
        StepError reason = stopReason();
        for (Slot slot : graph.slots()) {
            if (slot.state == SlotState.ACTIVE) {
                slot.runner.cancel(reason);
            }
        }
        dispatch();
    }

    /** Why running steps are stopped when the run ends early. */
    private StepError stopReason() {
        return ending == RunStatus.FAILED
                ? StepError.of(ErrorCode.CANCELLED, "another step failed: " + endingError.message())
                : endingError;
    }

    /**
     * Stops working on the run without journaling anything, because another node owns it now (or will): running
     * handlers are interrupted, timers dropped, child runs left alone; waiters are not told (see
     * {@link RunOwnership#abandon}).
     */
    void abandon() {
        abandoned = true;
        mailbox.execute(() -> {
            runFinish.cancelTimeout();
            for (Slot slot : graph.slots()) {
                if (slot.runner != null) {
                    slot.runner.abandon();
                }
                if (slot.prestart != null) {
                    slot.prestart.abandon();
                }
            }
        });
    }

    boolean isAbandoned() {
        return abandoned;
    }

    /** Whether the run is ending: its {@code RunFinished} is being journaled (any thread). */
    boolean isFinishing() {
        return finishing;
    }

    private void dispatch() {
        if (finishing || recovering || abandoned) {
            return;
        }
        if (ending != null) {
            if (!graph.anyActive()) {
                finish(ending, null, endingError);
            }
            return;
        }
        boolean allDone = true;
        for (Slot slot : graph.slots()) {
            if (graph.isReady(slot)) {
                slot.state = SlotState.ACTIVE;
                slot.runner = runnerFor(slot);
                slot.runner.start();
            }
            allDone &= slot.state == SlotState.DONE;
        }
        if (allDone) {
            succeed();
        }
    }

    private StepRunner runnerFor(Slot slot) {
        StepRunner runner = new StepRunner(this, slot.step, slot.step.id(), this::bindings,
                outcome -> onStepFinished(slot, outcome));
        runner.prestartDependentsWith(outcome -> prestartDependents(slot, outcome));
        return runner;
    }

    /**
     * The step in {@code finished} just succeeded (not yet durable): prepares the first attempts of the steps this
     * makes ready, rendering their arguments with its output, so that their {@code AttemptStarted} go to the
     * journal in the same append as its {@code AttemptFinished} (atomic: a crash never sees a dependent started
     * without its dependency finished). They begin once that append is durable ({@link Prestarts#activate}).
     */
    private Prestarts prestartDependents(Slot finished, Outcome outcome) {
        if (ending != null || finishing || recovering) {
            return Prestarts.NONE;
        }
        String id = finished.step.id();
        Map<String, JsonNode> steps = null;
        List<Slot> prepared = new ArrayList<>();
        List<JournalEntry> entries = new ArrayList<>();
        for (Slot slot : graph.slots()) {
            if (!graph.isReadyAfter(slot, id)) {
                continue;
            }
            if (steps == null) {
                steps = bindings.stepsWith(id, outcome);
            }
            StepRunner runner = runnerFor(slot);
            JournalEntry.AttemptStarted entry = runner.prepareFirst(bindings.of(1, steps));
            if (entry != null) {
                slot.prestart = runner;
                prepared.add(slot);
                entries.add(entry);
            }
        }
        return prepared.isEmpty() ? Prestarts.NONE : new Prestarts(this, prepared, entries);
    }

    /** Prepared starts are durable: their steps are active; they begin, or are cancelled if the run is ending. */
    void activatePrestarted(List<Slot> prepared) {
        for (Slot slot : prepared) {
            StepRunner runner = slot.prestart;
            slot.prestart = null;
            slot.state = SlotState.ACTIVE;
            slot.runner = runner;
            boolean proceed = ending == null && !finishing;
            runner.activatePrepared(proceed);
            if (!proceed) {
                runner.cancel(ending != null ? stopReason() : cancelled("the run has finished"));
            }
        }
    }

    private void onStepFinished(Slot slot, Outcome outcome) {
        slot.state = SlotState.DONE;
        slot.outcome = outcome;
        bindings.stepFinished(slot.step.id(), outcome);
        if (outcome.isFailure() && slot.step.onError() == OnError.FAIL) {
            StepError cause = outcome.error();
            String code = cause == null ? ErrorCode.STEP_FAILED.code() : cause.code();
            end(RunStatus.FAILED, new StepError(code, "step '" + slot.step.id() + "' failed"
                    + (cause == null ? "" : ": " + cause.message()), false));
            return;
        }
        dispatch();
    }

    private void succeed() {
        JsonNode outputs;
        try {
            outputs = runFinish.outputs();
        } catch (BatonException e) {
            finish(RunStatus.FAILED, null, new StepError(ErrorCode.EXPRESSION_FAILED.code(),
                    "the workflow outputs could not be rendered: " + e.getMessage(), false));
            return;
        }
        finish(RunStatus.SUCCEEDED, outputs, null);
    }

    private void finish(RunStatus status, JsonNode outputs, StepError error) {
        finishing = true;
        if (abandoned) {
            return;
        }
        runFinish.journal(status, outputs, error);
    }

    /** The variables of an attempt: inputs, finished steps, run metadata (with {@code attempt} when n > 0). */
    Bindings bindings(int attempt) {
        return bindings.of(attempt);
    }

    /** Attempts journaled by a previous process, by step id (only while resuming; map items read theirs). */
    Map<String, List<StepAttempt>> recoveredAttempts() {
        return recovered;
    }

    EngineCore core() {
        return core;
    }

    /** This run's journal: appends are applied to the run's in-memory attempts once durable. */
    RunJournal journal() {
        return journal;
    }

    EngineClock clock() {
        return core.clock();
    }

    Mailbox mailbox() {
        return mailbox;
    }

    Workflow workflow() {
        return workflow;
    }

    Run run() {
        return run;
    }

    String runId() {
        return run.id();
    }

    String tenantId() {
        return run.tenantId();
    }

    int priority() {
        return run.priority();
    }

    /** Whether nothing of this run may be journaled any more: the engine closed, or the run was let go. */
    boolean isClosed() {
        return abandoned || core.isClosed();
    }
}
