package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.step.StepHandler;
import dev.baton.core.workflow.BuiltInSteps;
import dev.baton.core.workflow.Step;

/**
 * How one attempt of a step type is carried out. Handlers (plug-ins) run on a virtual thread under concurrency
 * permits; the built-in flow-control types ({@code transform}, {@code sleep}, {@code workflow}, {@code map}) are
 * executed by the engine itself and hold no permit. One instance per attempt.
 */
sealed interface Execution permits HandlerExecution, TransformExecution, SleepExecution, ChildRunExecution,
        MapExecution {

    /**
     * Begins the attempt with its evaluated arguments. Must call {@link AttemptRun#markStarted} (and stop if it
     * returns false), and eventually {@link AttemptRun#completeFromExecution}. Called on the run's mailbox: must
     * not block.
     */
    void begin(AttemptRun attempt, JsonNode input);

    /** The outcome was decided from outside (cancel, timeout): stop the work promptly. Any thread. */
    void stop(AttemptRun attempt);

    /** Whether this type can re-attach to an attempt a previous process left running (else it is retried). */
    default boolean canReattach() {
        return false;
    }

    /** Continues an attempt left running by a previous process; only called when {@link #canReattach()}. */
    default void reattach(AttemptRun attempt, StepAttempt previous) {
        throw new IllegalStateException(getClass().getSimpleName() + " cannot re-attach");
    }

    /**
     * Whether a timeout of this attempt may be retried. Flow-control steps that own child work (child runs, map
     * items) are not retried as a whole: their children carry their own retries.
     */
    default boolean retriesOnTimeout() {
        return true;
    }

    /** The execution for a step's type, or {@code null} for an unknown type. */
    static Execution forStepOrNull(RunCoordinator run, Step step) {
        try {
            return forStep(run, step);
        } catch (BatonException e) {
            return null;
        }
    }

    /**
     * The execution for a step's type.
     *
     * @throws BatonException INVALID_WORKFLOW for a type that is neither built in nor registered
     */
    static Execution forStep(RunCoordinator run, Step step) {
        return switch (step.uses()) {
            case BuiltInSteps.TRANSFORM -> new TransformExecution();
            case BuiltInSteps.SLEEP -> new SleepExecution();
            case BuiltInSteps.WORKFLOW -> new ChildRunExecution();
            case BuiltInSteps.MAP -> new MapExecution();
            default -> {
                StepHandler handler = run.core().registry().find(step.uses()).orElseThrow(() -> new BatonException(
                        ErrorCode.INVALID_WORKFLOW, "step '" + step.id() + "' uses unknown step type '"
                        + step.uses() + "'"));
                yield new HandlerExecution(handler);
            }
        };
    }
}
