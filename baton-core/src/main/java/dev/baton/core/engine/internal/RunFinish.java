package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.engine.EngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import dev.baton.core.workflow.Workflow;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * How one run of a {@link RunCoordinator} comes to its end: the run's timeout timer, the rendering of the workflow's
 * outputs once every step is done, and the journaling of {@code RunFinished}, after which the engine is handed the
 * run's final view, built from what the coordinator journaled (no read back from the store), or the store's refusal.
 * The coordinator decides when and how the run ends; this class carries it out.
 *
 * <p>Thread-safety: confined to the run's {@link Mailbox}, except {@link #started}, which may be called from the
 * thread completing the {@code RunStarted} append (the start instant is volatile), and the completion of the
 * {@code RunFinished} append, which only reads volatile state.
 */
final class RunFinish {
    private final RunCoordinator coordinator;
    private final StepGraph graph;
    private final RunBindings bindings;
    /** When {@code RunStarted} became durable in this process (for the final view), else {@code null}. */
    private volatile Instant journaledStart;
    private EngineClock.Timer runTimer;

    RunFinish(RunCoordinator coordinator, StepGraph graph, RunBindings bindings) {
        this.coordinator = coordinator;
        this.graph = graph;
        this.bindings = bindings;
    }

    /**
     * The error a run fails with when the store refuses one of its journal entries: the store's error code if it
     * raised a {@link BatonException}, else {@code store-unavailable}; {@code what} says which entry.
     */
    static StepError storeError(String what, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String code = cause instanceof BatonException e ? e.code().code() : ErrorCode.STORE_UNAVAILABLE.code();
        return new StepError(code, what + ": " + cause.getMessage(), false);
    }

    /** {@code RunStarted} is durable: it was journaled at {@code at}. */
    void started(Instant at) {
        journaledStart = at;
    }

    /**
     * Arms the run's timeout (the workflow's {@code timeout}, if any) from {@code began}; on expiry
     * {@code onExpiry} gets the {@code timeout} error, on the timer's thread.
     */
    void armTimeout(Instant began, Consumer<StepError> onExpiry) {
        Workflow workflow = coordinator.workflow();
        if (workflow.timeout() != null) {
            runTimer = coordinator.clock().scheduleAt(began.plus(workflow.timeout()), () -> onExpiry.accept(
                    StepError.of(ErrorCode.TIMEOUT, "run exceeded its timeout of " + workflow.timeout())));
        }
    }

    /** Drops the run's timeout timer, if armed. */
    void cancelTimeout() {
        if (runTimer != null) {
            runTimer.cancel();
        }
    }

    /**
     * The outputs of a run whose steps are all done: the workflow's {@code outputs} rendered, else each step's
     * output by step id.
     *
     * @throws BatonException if the {@code outputs} expressions fail
     */
    JsonNode outputs() {
        Workflow workflow = coordinator.workflow();
        return workflow.outputs() == null ? graph.outputsById() : workflow.outputs().render(bindings.of(0));
    }

    /**
     * Cancels the run's timeout and journals {@code RunFinished}; once durable the engine gets the final view,
     * else the failure ({@link EngineCore#onRunFinished}, {@link EngineCore#onRunFinishFailed}).
     */
    void journal(RunStatus status, JsonNode outputs, StepError error) {
        cancelTimeout();
        Instant at = coordinator.clock().instant();
        coordinator.journal().append(new JournalEntry.RunFinished(coordinator.runId(), status, outputs, error, at))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        coordinator.core().onRunFinished(coordinator, finalView(status, outputs, error, at));
                    } else {
                        coordinator.core().onRunFinishFailed(coordinator, failure);
                    }
                });
    }

    /** The run as the store holds it once {@code RunFinished} is durable. */
    private RunView finalView(RunStatus status, JsonNode outputs, StepError error, Instant finishedAt) {
        Run r = coordinator.run();
        Instant started = r.startedAt() != null ? r.startedAt() : journaledStart;
        return new RunView(r.finished(status, outputs, error, started, finishedAt),
                coordinator.journal().attempts());
    }
}
