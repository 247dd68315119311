package dev.baton.core.engine.internal;

import dev.baton.core.engine.EngineClock;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.StepError;

import java.time.Duration;
import java.time.Instant;

/**
 * The timeout of one {@link AttemptRun}: the step's {@code timeout}, else the workflow's default, counted from when
 * the attempt began (or, for an attempt re-attached after a restart, from its journaled start). When it expires the
 * attempt is completed {@code TIMED_OUT}, retryable if its execution says so ({@link Execution#retriesOnTimeout}),
 * evaluated when the timer fires. With no timeout configured nothing is scheduled and the deadline stays
 * {@link Instant#MAX}.
 *
 * <p>Thread-safety: armed once by the attempt (on the run's mailbox or the attempt's own thread), cancelled and read
 * from any thread; the deadline and the timer are volatile. A timer armed after the attempt's outcome was decided
 * is cancelled at once.
 */
final class AttemptTimeout {
    private final AttemptRun attempt;
    private volatile Instant deadline = Instant.MAX;
    private volatile EngineClock.Timer timer;

    AttemptTimeout(AttemptRun attempt) {
        this.attempt = attempt;
    }

    /** Starts the timeout from now. */
    void armFromNow() {
        Duration timeout = timeout();
        if (timeout != null) {
            armAt(attempt.run().clock().instant().plus(timeout));
        }
    }

    /** Starts the timeout from {@code began} (the journaled start of a re-attached attempt). */
    void armFrom(Instant began) {
        Duration timeout = timeout();
        if (timeout != null) {
            armAt(began.plus(timeout));
        }
    }

    private void armAt(Instant at) {
        deadline = at;
        Duration timeout = timeout();
        timer = attempt.run().clock().scheduleAt(at, () -> attempt.complete(Outcome.timedOut(new StepError(
                ErrorCode.TIMEOUT.code(), "step '" + attempt.stepId() + "' attempt " + attempt.attempt()
                + " timed out after " + timeout, attempt.retriesOnTimeout()))));
        if (attempt.isDone()) {
            timer.cancel();
        }
    }

    /** Drops the timer, if armed (the outcome is decided, or the run was let go). */
    void cancel() {
        EngineClock.Timer current = timer;
        if (current != null) {
            current.cancel();
        }
    }

    /** When the attempt times out, or {@link Instant#MAX} while (or if) no timeout is armed. */
    Instant deadline() {
        return deadline;
    }

    private Duration timeout() {
        return attempt.step().timeout() != null ? attempt.step().timeout()
                : attempt.run().workflow().defaults().timeout();
    }
}
