package dev.baton.core.engine;

import dev.baton.core.run.Run;

import java.time.Duration;
import java.util.List;

/**
 * Hooks through which metrics, traces and alerts watch the engine, without the engine knowing any of them. The
 * engine calls them on its own threads as runs and attempts change state (after the change is journaled), never
 * holding a lock; a hook that throws is logged and ignored, so an observer cannot break a run.
 *
 * <p>Implementations must be thread-safe and fast (microseconds): they run on the engine's dispatch path. Every
 * method has a do-nothing default; {@link #NONE} observes nothing. {@link #of} combines several.
 */
public interface EngineObserver {
    /** Observes nothing (the default of {@link LocalEngine.Builder#observer}). */
    EngineObserver NONE = new EngineObserver() {
    };

    /** A run was accepted and stored {@code QUEUED} (child runs of {@code workflow}/{@code map} steps too). */
    default void runQueued(Run run) {
    }

    /**
     * A run left the queue and started executing ({@code RUNNING}). Not called again for a run resumed after a
     * restart.
     *
     * @param queueWait time from acceptance to admission by the engine's clock (zero for child runs, which are
     *                  not queued)
     */
    default void runStarted(Run run, Duration queueWait) {
    }

    /** A run reached a terminal status; {@code run} carries the status, error and timestamps as stored. */
    default void runFinished(Run run) {
    }

    /**
     * An attempt of a step started (its {@code AttemptStarted} is handed to the journal, on the thread that does so;
     * for a step started in the same append as the finish of the step it depends on, once that is durable).
     * Called for every step type, built-in ones included, every map item ({@code <stepId>[<index>]}) and retry; a
     * step skipped by its {@code if} is one attempt that finishes {@code SKIPPED}; an attempt re-attached after a
     * restart is told again with its journaled start. The returned observation is entered on the thread that
     * executes a plug-in handler and told exactly once when the attempt finishes, whatever the outcome (an attempt
     * still open when the engine closes finishes {@code FAILED} with code {@code interrupted}). See
     * {@code docs/engine.md}, "Observing runs".
     */
    default AttemptObservation attemptStarted(AttemptInfo attempt) {
        return AttemptObservation.NONE;
    }

    /**
     * Several observers as one, called in order. A hook that throws does not keep the later ones from being
     * called; the first exception is rethrown after all were called. An {@code attemptStarted} that throws does not
     * cost the others their observation: that observer is left out of the attempt and its exception is rethrown by
     * the combined observation's {@code finished} (or at once when every observer threw).
     *
     * <p>{@link #NONE} entries are left out, so that several switched-off observers combine to {@link #NONE} and the
     * engine skips observing altogether (no per-attempt allocation).
     */
    static EngineObserver of(List<EngineObserver> observers) {
        List<EngineObserver> list = List.copyOf(observers).stream().filter(o -> o != NONE).toList();
        return list.isEmpty() ? NONE : list.size() == 1 ? list.getFirst() : new CompositeEngineObserver(list);
    }
}
