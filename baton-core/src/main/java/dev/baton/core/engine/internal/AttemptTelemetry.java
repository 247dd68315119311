package dev.baton.core.engine.internal;

import dev.baton.core.engine.AttemptObservation;

import java.time.Instant;

/**
 * The observation of one {@link AttemptRun} by the engine's observer ({@link ObservedAttempt}): opened when the
 * attempt counts as started (see {@link AttemptRun} for exactly when), entered on the handler's thread, finished
 * once with the outcome its runner is told, or interrupted when the run is let go. Until it is opened, and when
 * nothing observes the engine, every method does nothing ({@code NONE} scope, {@code null} traceparent).
 *
 * <p>Thread-safety: opened on the run's mailbox (or the thread journaling the start) and used from any thread; the
 * open observation is held in a volatile field.
 */
final class AttemptTelemetry {
    private final AttemptRun attempt;
    /** The attempt's open observation, or {@code null} when nothing observes it (or before it started). */
    private volatile ObservedAttempt observed;

    AttemptTelemetry(AttemptRun attempt) {
        this.attempt = attempt;
    }

    /** Tells the observer the attempt started at {@code at}. */
    void start(Instant at) {
        RunCoordinator run = attempt.run();
        observed = ObservedAttempt.start(run.core(), run.run(), attempt.stepId(), attempt.step().uses(),
                attempt.attempt(), at);
    }

    /** Finishes the observation with the outcome the runner is told about. */
    void finish(Outcome told, Instant at) {
        ObservedAttempt current = observed;
        if (current != null) {
            current.finish(told.status(), told.error(), at);
        }
    }

    /** The run was let go before the attempt finished: the observation ends interrupted at {@code at}. */
    void interrupted(Instant at) {
        ObservedAttempt current = observed;
        if (current != null) {
            current.interrupted(at);
        }
    }

    /** Enters the observation on the calling (handler) thread; close the scope with {@link #exit}. */
    AttemptObservation.Scope enter() {
        ObservedAttempt current = observed;
        return current == null ? AttemptObservation.Scope.NONE : current.enter();
    }

    void exit(AttemptObservation.Scope scope) {
        ObservedAttempt current = observed;
        if (current != null) {
            current.exit(scope);
        }
    }

    /** The traceparent child runs of this attempt belong under, or {@code null} (see {@link AttemptObservation}). */
    String traceParent() {
        ObservedAttempt current = observed;
        return current == null ? null : current.traceParent();
    }
}
