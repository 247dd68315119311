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

    @Override
    public AttemptObservation attemptStarted(AttemptInfo attempt) {
        List<AttemptObservation> started = new ArrayList<>(observers.size());
        each(observers, o -> started.add(o.attemptStarted(attempt)));
        return new Observations(List.copyOf(started));
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

    /** The observations of one attempt, entered in order and their scopes closed in reverse order. */
    private record Observations(List<AttemptObservation> list) implements AttemptObservation {
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
            each(list, o -> o.finished(status, error, finishedAt));
        }
    }
}
