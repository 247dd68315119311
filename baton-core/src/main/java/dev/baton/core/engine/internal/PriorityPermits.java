package dev.baton.core.engine.internal;

import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting semaphore whose waiters are served by priority (higher first), FIFO within a priority. Used for the
 * global attempt limit and the per-step-type limits, so that when the node is saturated higher-priority runs get
 * the next free permit. A limit of 0 means unlimited (acquire never waits).
 *
 * <p>Thread-safe; the lock is only held for queue bookkeeping, never while waiting for I/O.
 */
final class PriorityPermits {
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private final boolean unlimited;
    private int available;
    private long sequence;

    PriorityPermits(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, got " + permits);
        }
        this.unlimited = permits == 0;
        this.available = permits;
    }

    /** Takes a permit, waiting behind higher-priority (and earlier same-priority) waiters. */
    void acquire(int priority) throws InterruptedException {
        if (unlimited) {
            return;
        }
        lock.lock();
        try {
            if (waiters.isEmpty() && available > 0) {
                available--;
                return;
            }
            Waiter waiter = new Waiter(priority, sequence++, lock.newCondition());
            waiters.add(waiter);
            try {
                while (!waiter.granted) {
                    waiter.condition.await();
                }
            } catch (InterruptedException e) {
                if (waiter.granted) {
                    grantNext();
                } else {
                    waiters.remove(waiter);
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns a permit taken by {@link #acquire}. */
    void release() {
        if (unlimited) {
            return;
        }
        lock.lock();
        try {
            grantNext();
        } finally {
            lock.unlock();
        }
    }

    /** Waiters currently queued (for tests and metrics). */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    private void grantNext() {
        Waiter next = waiters.poll();
        if (next == null) {
            available++;
        } else {
            next.granted = true;
            next.condition.signal();
        }
    }

    private static final class Waiter implements Comparable<Waiter> {
        final int priority;
        final long sequence;
        final Condition condition;
        boolean granted;

        Waiter(int priority, long sequence, Condition condition) {
            this.priority = priority;
            this.sequence = sequence;
            this.condition = condition;
        }

        @Override
        public int compareTo(Waiter other) {
            int byPriority = Integer.compare(other.priority, priority);
            return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
        }
    }
}
