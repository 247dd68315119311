package dev.baton.core.engine.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Waiting, with a wall-clock bound, until a condition on owned runs holds ({@link RunOwnership#awaitIdle}: no run
 * owned), woken whenever the owner {@link #signal signals} a change. Wall clock because the bound is operational
 * (the drain timeout of a stopping process), not engine time.
 *
 * <p>Thread-safety: safe for concurrent use; the lock guards only the wait, never the condition's state.
 */
final class IdleWait {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Wakes the waiters: the condition may hold now. */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} until {@code condition} holds; whether it does. */
    boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        // awaitNanos returns what is left of its own argument (50 ms), not of the whole timeout: the deadline is
        // kept apart; the 50 ms re-check also covers a signal sent between the check and the wait
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
