package dev.baton.observability.system;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A ring buffer of the most recent samples: fixed capacity, the oldest overwritten first, so memory stays bounded
 * whatever the uptime. Thread-safe: one writer (the monitor), any number of readers; the lock is held only to
 * copy references (no I/O).
 */
final class SampleHistory {
    private final SystemSample[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private int next;
    private int size;

    SampleHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.ring = new SystemSample[capacity];
    }

    void add(SystemSample sample) {
        lock.lock();
        try {
            ring[next] = sample;
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
        } finally {
            lock.unlock();
        }
    }

    /** The newest sample, or {@code null} when there is none. */
    SystemSample latest() {
        lock.lock();
        try {
            return size == 0 ? null : ring[(next - 1 + ring.length) % ring.length];
        } finally {
            lock.unlock();
        }
    }

    /** The samples taken at or after {@code from}, oldest first. */
    List<SystemSample> since(Instant from) {
        lock.lock();
        try {
            List<SystemSample> samples = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                SystemSample sample = ring[(next - size + i + ring.length) % ring.length];
                if (!sample.at().isBefore(from)) {
                    samples.add(sample);
                }
            }
            return samples;
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return ring.length;
    }
}
