package dev.baton.core.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link EngineClock} that only moves when told to: {@link #advance(Duration)} runs every timer that falls due,
 * in due order, on the calling thread. For tests of retries, backoff, timeouts and {@code sleep} without sleeping.
 *
 * <p>Thread-safe. It also records every delay ever scheduled ({@link #scheduledDelays()}), so tests can assert
 * backoff delays exactly.
 */
public final class ManualEngineClock implements EngineClock {
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private final List<Duration> delays = new ArrayList<>();
    private Instant now;
    private long sequence;

    /** A clock standing at {@code start}. */
    public ManualEngineClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    @Override
    public Instant instant() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            Duration d = delay.isNegative() ? Duration.ZERO : delay;
            delays.add(d);
            Entry entry = new Entry(now.plus(d), sequence++, task);
            queue.add(entry);
            return () -> {
                lock.lock();
                try {
                    return queue.remove(entry);
                } finally {
                    lock.unlock();
                }
            };
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves time forward by {@code amount}, running each timer due on the way at its due instant (the clock reads
     * that instant while the task runs). Tasks scheduled by those tasks run too if they fall due in the window.
     */
    public void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("cannot move a clock backwards: " + amount);
        }
        Instant target;
        lock.lock();
        try {
            target = now.plus(amount);
        } finally {
            lock.unlock();
        }
        while (true) {
            Entry due;
            lock.lock();
            try {
                Entry head = queue.peek();
                if (head == null || head.when.isAfter(target)) {
                    now = target;
                    return;
                }
                due = queue.poll();
                if (due.when.isAfter(now)) {
                    now = due.when;
                }
            } finally {
                lock.unlock();
            }
            due.task.run();
        }
    }

    /** How many timers are waiting. */
    public int pendingTimers() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The delay until the earliest pending timer, or {@code null} when none is pending. */
    public Duration nextTimerDelay() {
        lock.lock();
        try {
            Entry head = queue.peek();
            return head == null ? null : Duration.between(now, head.when);
        } finally {
            lock.unlock();
        }
    }

    /** Every delay passed to {@link #schedule} so far, in call order. */
    public List<Duration> scheduledDelays() {
        lock.lock();
        try {
            return List.copyOf(delays);
        } finally {
            lock.unlock();
        }
    }

    private record Entry(Instant when, long sequence, Runnable task) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry other) {
            int byTime = when.compareTo(other.when);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
