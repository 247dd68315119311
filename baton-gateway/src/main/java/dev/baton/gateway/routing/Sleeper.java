package dev.baton.gateway.routing;

import java.time.Duration;

/**
 * Waits out a backoff. Injected so tests record the requested delays instead of sleeping.
 *
 * <p>Implementations block the calling (virtual) thread and must throw {@link InterruptedException} promptly
 * when it is interrupted; the router turns that into {@code CANCELLED}.
 */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps on the calling thread with {@link Thread#sleep(Duration)}. */
    Sleeper SYSTEM = Thread::sleep;

    /**
     * Blocks for {@code duration} (never negative; zero returns at once).
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;
}
