package dev.baton.core.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The engine's source of time and of timers: retry backoff, attempt and run timeouts and {@code sleep} steps are
 * all scheduled here, so tests can advance a {@link ManualEngineClock} instead of sleeping.
 *
 * <p>Implementations are thread-safe. Scheduled tasks must be short and must not block: the engine only uses
 * them to post a message to a run.
 */
public interface EngineClock extends InstantSource {

    /**
     * Runs {@code task} once, after {@code delay} (a zero or negative delay means as soon as possible).
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Timer schedule(Duration delay, Runnable task);

    /** Runs {@code task} once at {@code when} (at once if it is in the past). */
    default Timer scheduleAt(Instant when, Runnable task) {
        Duration delay = Duration.between(instant(), when);
        return schedule(delay.isNegative() ? Duration.ZERO : delay, task);
    }

    /** The wall clock with a single timer thread. */
    static EngineClock system() {
        return new SystemEngineClock();
    }

    /** A scheduled task. */
    interface Timer {
        /** Cancels the task; whether it was cancelled before it ran. Idempotent. */
        boolean cancel();
    }
}
