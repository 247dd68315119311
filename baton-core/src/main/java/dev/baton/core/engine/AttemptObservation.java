package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.StepError;

import java.time.Instant;

/**
 * What an {@link EngineObserver} keeps for one attempt while it runs (a trace span, a timer sample). Thread-safe:
 * {@link #enter} runs on the handler's thread, {@link #finished} on whichever engine thread finishes the attempt.
 */
public interface AttemptObservation {
    /** Keeps nothing. */
    AttemptObservation NONE = new AttemptObservation() {
    };

    /**
     * Called on the thread that executes the step's handler, just before it; the engine closes the scope on
     * that thread when the handler returns or throws. Lets an observer make something current for the handler's
     * code (e.g. the attempt's trace span, so that gateway calls and {@code http} requests nest under it).
     */
    default Scope enter() {
        return Scope.NONE;
    }

    /**
     * The W3C {@code traceparent} ({@code 00-<trace-id>-<span-id>-<flags>}) child runs started by this attempt
     * ({@code workflow}/{@code map} steps) belong under, or {@code null} when not traced.
     */
    default String traceParent() {
        return null;
    }

    /**
     * The attempt finished. Called exactly once per observation.
     *
     * @param status     {@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT}, {@code CANCELLED} or {@code SKIPPED}
     * @param error      the error for a failed, timed-out or cancelled attempt, else {@code null}
     * @param finishedAt when, by the engine's clock
     */
    default void finished(AttemptStatus status, StepError error, Instant finishedAt) {
    }

    /** Something made current by {@link #enter}; closing it restores what was current before. */
    interface Scope extends AutoCloseable {
        /** Restores nothing. */
        Scope NONE = () -> {
        };

        @Override
        void close();
    }
}
