package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepError;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** {@link EngineObserver#of}: calls each observer in order, every one even when an earlier one throws. */
final class CompositeEngineObserver implements EngineObserver {
    private final List<EngineObserver> observers;

    CompositeEngineObserver(List<EngineObserver> observers) {
        this.observers = observers;
    }

    @Override
    public void runQueued(Run run) {
        each(observers, o -> o.runQueued(run));
    }

    @Override
    public void runStarted(Run run, Duration queueWait) {
        each(observers, o -> o.runStarted(run, queueWait));
    }

    @Override
    public void runFinished(Run run) {
        each(observers, o -> o.runFinished(run));
    }

    /**
     * Starts the observation of every observer. One that throws is left out of this attempt without losing the
     * others' observations: its exception is rethrown by the combined observation's {@link
     * AttemptObservation#finished} once the others were told (so the engine reports it then); when every observer
     * throws, the first exception is rethrown at once.
     */
    @Override
    public AttemptObservation attemptStarted(AttemptInfo attempt) {
        List<AttemptObservation> started = new ArrayList<>(observers.size());
        RuntimeException failure = null;
        for (EngineObserver observer : observers) {
            try {
                AttemptObservation observation = observer.attemptStarted(attempt);
                if (observation != null && observation != AttemptObservation.NONE) {
                    started.add(observation);
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (started.isEmpty()) {
            if (failure != null) {
                throw failure;
            }
            return AttemptObservation.NONE;
        }
        return new Observations(List.copyOf(started), failure);
    }

    /** Calls {@code call} for every element; rethrows the first exception after all were called. */
    static <T> void each(List<T> items, Consumer<T> call) {
        RuntimeException first = null;
        for (T item : items) {
            try {
                call.accept(item);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The observations of one attempt, entered in order and their scopes closed in reverse order.
     *
     * @param startFailure what observers left out of the attempt threw from {@code attemptStarted}, or {@code null}
     */
    private record Observations(List<AttemptObservation> list, RuntimeException startFailure)
            implements AttemptObservation {
        /**
         * Enters every observation; if one throws, the scopes already opened are closed again (so nothing stays
         * current on the thread) before the exception is rethrown.
         */
        @Override
        public Scope enter() {
            List<Scope> scopes = new ArrayList<>(list.size());
            try {
                each(list, o -> scopes.add(o.enter()));
            } catch (RuntimeException e) {
                try {
                    each(scopes.reversed(), Scope::close);
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return () -> each(scopes.reversed(), Scope::close);
        }

        @Override
        public String traceParent() {
            for (AttemptObservation o : list) {
                String parent = o.traceParent();
                if (parent != null) {
                    return parent;
                }
            }
            return null;
        }

        @Override
        public void finished(AttemptStatus status, StepError error, Instant finishedAt) {
            try {
                each(list, o -> o.finished(status, error, finishedAt));
            } catch (RuntimeException e) {
                if (startFailure != null) {
                    e.addSuppressed(startFailure);
                }
                throw e;
            }
            if (startFailure != null) {
                throw startFailure;
            }
        }
    }
}
