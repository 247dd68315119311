package dev.baton.core.engine.internal;

import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepError;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's {@link AttemptObservation} while it is open: made by {@link #start} only when something observes
 * (with {@link dev.baton.core.engine.EngineObserver#NONE} there is none, so nothing is allocated), finished exactly
 * once ({@link #finish} or {@link #interrupted}, whichever comes first), and kept in
 * {@link EngineCore#observedAttempts()} until then so that {@link EngineCore#close()} can finish what the engine
 * leaves running. Every call to the observer goes through {@link GuardedObserver}.
 *
 * <p>Thread-safe: {@link #enter}/{@link #exit} run on the handler's thread, {@link #finish} on an engine thread.
 */
final class ObservedAttempt {
    private final EngineCore core;
    private final AttemptObservation observation;
    private final String runId;
    private final String stepId;
    private final int attempt;
    private final AtomicBoolean finished = new AtomicBoolean();

    private ObservedAttempt(EngineCore core, AttemptObservation observation, String runId, String stepId,
                            int attempt) {
        this.core = core;
        this.observation = observation;
        this.runId = runId;
        this.stepId = stepId;
        this.attempt = attempt;
    }

    /**
     * Tells the observer an attempt started.
     *
     * @return the open observation, or {@code null} when nothing observes this attempt
     */
    static ObservedAttempt start(EngineCore core, Run run, String stepId, String stepType, int attempt,
                                 Instant startedAt) {
        AttemptObservation observation = core.observer().attemptStarted(run, stepId, stepType, attempt, startedAt);
        if (observation == null) {
            return null;
        }
        ObservedAttempt observed = new ObservedAttempt(core, observation, run.id(), stepId, attempt);
        core.observedAttempts().add(observed);
        // close() finishes what it finds in observedAttempts; one added while it closes is finished here.
        if (core.isClosed()) {
            observed.interrupted(core.clock().instant());
        }
        return observed;
    }

    /** Finishes the observation, unless it is finished already. */
    void finish(AttemptStatus status, StepError error, Instant at) {
        if (finished.compareAndSet(false, true)) {
            core.observedAttempts().remove(this);
            core.observer().finished(observation, status, error, at, runId);
        }
    }

    /** Finishes the observation of an attempt cut short by the engine closing: FAILED, {@code interrupted}. */
    void interrupted(Instant at) {
        finish(AttemptStatus.FAILED, new StepError(ErrorCode.INTERRUPTED.code(), "attempt " + attempt
                + " of step '" + stepId + "' was interrupted: the engine closed", true), at);
    }

    /** Enters the observation on the calling (handler) thread; close the scope with {@link #exit}. */
    AttemptObservation.Scope enter() {
        return core.observer().enter(observation, runId);
    }

    void exit(AttemptObservation.Scope scope) {
        core.observer().exit(scope, runId);
    }

    /** The traceparent child runs of the attempt belong under, or {@code null}. */
    String traceParent() {
        return core.observer().traceParent(observation, runId);
    }
}
