package dev.baton.core.engine.internal;

import dev.baton.core.engine.AttemptInfo;
import dev.baton.core.engine.AttemptObservation;
import dev.baton.core.engine.EngineObserver;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.StepError;
import dev.baton.core.run.TraceParent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's side of the {@link EngineObserver} SPI: every call goes through here, so that an observer that throws
 * (a {@link RuntimeException}) is logged at WARN and ignored instead of breaking a run, and so that with
 * {@link EngineObserver#NONE} nothing is called and nothing is allocated (no {@link AttemptInfo}, no observation).
 *
 * <p>Warnings are rate-limited: the first failure is logged with its stack trace, later ones at most once per
 * {@link #WARN_INTERVAL} (wall time: an operational limit, not engine time) with the count of those left out.
 * {@link Error}s are not caught.
 *
 * <p>Thread-safe.
 */
final class GuardedObserver {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedObserver.class);
    static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    private final EngineObserver observer;
    private final boolean active;
    private final AtomicLong nextWarnAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    GuardedObserver(EngineObserver observer) {
        this.observer = observer;
        this.active = observer != EngineObserver.NONE;
    }

    /** Whether anything observes (false for {@link EngineObserver#NONE}). */
    boolean active() {
        return active;
    }

    void runQueued(Run run) {
        if (active) {
            try {
                observer.runQueued(run);
            } catch (RuntimeException e) {
                failed("runQueued", run.id(), e);
            }
        }
    }

    void runStarted(Run run, Duration queueWait) {
        if (active) {
            try {
                observer.runStarted(run, queueWait);
            } catch (RuntimeException e) {
                failed("runStarted", run.id(), e);
            }
        }
    }

    void runFinished(Run run) {
        if (active) {
            try {
                observer.runFinished(run);
            } catch (RuntimeException e) {
                failed("runFinished", run.id(), e);
            }
        }
    }

    /**
     * Tells the observer an attempt started.
     *
     * @return its observation, or {@code null} when there is nothing to tell it later (no observer, the observer
     *         returned {@link AttemptObservation#NONE} or {@code null}, or it threw)
     */
    AttemptObservation attemptStarted(Run run, String stepId, String stepType, int attempt, Instant startedAt) {
        if (!active) {
            return null;
        }
        try {
            AttemptObservation observation = observer.attemptStarted(new AttemptInfo(run, stepId, stepType, attempt,
                    startedAt));
            return observation == AttemptObservation.NONE ? null : observation;
        } catch (RuntimeException e) {
            failed("attemptStarted", run.id(), e);
            return null;
        }
    }

    /** {@link AttemptObservation#enter}; never {@code null}. */
    AttemptObservation.Scope enter(AttemptObservation observation, String runId) {
        try {
            AttemptObservation.Scope scope = observation.enter();
            return scope == null ? AttemptObservation.Scope.NONE : scope;
        } catch (RuntimeException e) {
            failed("AttemptObservation.enter", runId, e);
            return AttemptObservation.Scope.NONE;
        }
    }

    /** Closes a scope from {@link #enter}. */
    void exit(AttemptObservation.Scope scope, String runId) {
        if (scope == AttemptObservation.Scope.NONE) {
            return;
        }
        try {
            scope.close();
        } catch (RuntimeException e) {
            failed("AttemptObservation.Scope.close", runId, e);
        }
    }

    /** {@link AttemptObservation#traceParent}, or {@code null} when it has none, throws, or is not a traceparent. */
    String traceParent(AttemptObservation observation, String runId) {
        try {
            String parent = observation.traceParent();
            if (parent == null || TraceParent.isValid(parent)) {
                return parent;
            }
            failed("AttemptObservation.traceParent", runId,
                    new IllegalStateException("not a W3C traceparent: '" + parent + "'"));
            return null;
        } catch (RuntimeException e) {
            failed("AttemptObservation.traceParent", runId, e);
            return null;
        }
    }

    void finished(AttemptObservation observation, AttemptStatus status, StepError error, Instant finishedAt,
                  String runId) {
        try {
            observation.finished(status, error, finishedAt);
        } catch (RuntimeException e) {
            failed("AttemptObservation.finished", runId, e);
        }
    }

    private void failed(String hook, String runId, RuntimeException e) {
        long now = System.nanoTime();
        long next = nextWarnAt.get();
        boolean first = next == Long.MIN_VALUE;
        if ((first || now - next >= 0)
                && nextWarnAt.compareAndSet(next, now + TimeUnit.NANOSECONDS.convert(WARN_INTERVAL))) {
            long left = suppressed.getAndSet(0);
            if (first) {
                LOG.warn("engine observer {} failed in {} (run {}); ignored", observer.getClass().getName(), hook,
                        runId, e);
            } else {
                LOG.warn("engine observer {} failed in {} (run {}); ignored ({} more failures in the last {} s"
                                + " not logged): {}", observer.getClass().getName(), hook, runId, left,
                        WARN_INTERVAL.toSeconds(), e.toString());
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
