package dev.baton.core.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link EngineClock} on the system clock. One daemon platform thread fires the timers; cancelled timers are
 * removed from the queue at once, so many long timeouts that are cancelled early cost nothing.
 */
public final class SystemEngineClock implements EngineClock, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemEngineClock.class);
    private final ScheduledThreadPoolExecutor timers;

    /** Creates the clock and its timer thread. */
    public SystemEngineClock() {
        timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "baton-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        long nanos = delay.isNegative() ? 0 : saturatedNanos(delay);
        // A scheduled executor keeps a task's exception in its future, where no one would see it: log it.
        ScheduledFuture<?> future = timers.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("an engine timer failed", e);
            }
        }, nanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    private static long saturatedNanos(Duration delay) {
        try {
            return delay.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** Stops the timer thread; pending timers never fire. */
    @Override
    public void close() {
        timers.shutdownNow();
    }
}
