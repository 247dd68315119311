package dev.baton.core.engine.internal;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Run admission: at most {@code maxRunning} top-level runs execute at once; the others wait in a queue ordered
 * by priority (higher first), then arrival. The queue holds at most {@code maxQueued} runs; beyond that new runs
 * are refused with {@code RATE_LIMITED}. Thread-safe; the lock guards bookkeeping only.
 */
final class Admission {
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiting> queue = new PriorityQueue<>();
    private final Map<String, Waiting> byRunId = new HashMap<>();
    private final int maxRunning;
    private final int maxQueued;
    private int running;
    private long sequence;

    Admission(int maxRunning, int maxQueued) {
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
    }

    /** Throws {@code RATE_LIMITED} when a new run would have to queue and the queue is full. */
    void checkCapacity() {
        lock.lock();
        try {
            if (running >= maxRunning && queue.size() >= maxQueued) {
                throw new BatonException(ErrorCode.RATE_LIMITED, "the run queue is full (" + maxQueued
                        + " runs waiting); retry later");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Admits the run at once if a slot is free (and nobody waits), else queues it. Whether it was admitted. */
    boolean offer(Run run) {
        lock.lock();
        try {
            if (running < maxRunning && queue.isEmpty()) {
                running++;
                return true;
            }
            Waiting waiting = new Waiting(run, sequence++);
            queue.add(waiting);
            byRunId.put(run.id(), waiting);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a free slot if there is one (cluster mode: the queue is the store's). Whether it did. */
    boolean tryAdmit() {
        return reserve(1) == 1;
    }

    /** Takes up to {@code wanted} free slots (for runs about to be claimed); how many it took. */
    int reserve(int wanted) {
        lock.lock();
        try {
            int taken = Math.max(0, Math.min(wanted, maxRunning - running));
            running += taken;
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back {@code count} slots without admitting anyone from the queue. */
    void unreserve(int count) {
        if (count == 0) {
            return;
        }
        lock.lock();
        try {
            running -= count;
        } finally {
            lock.unlock();
        }
    }

    /** Free slots right now. */
    int freeSlots() {
        lock.lock();
        try {
            return Math.max(0, maxRunning - running);
        } finally {
            lock.unlock();
        }
    }

    /** Counts a run as running without queueing (a run resumed after a restart). */
    void forceAdmit() {
        lock.lock();
        try {
            running++;
        } finally {
            lock.unlock();
        }
    }

    /** A running run finished: frees its slot and returns the next run to start, if any. */
    Optional<Run> release() {
        lock.lock();
        try {
            running--;
            return next();
        } finally {
            lock.unlock();
        }
    }

    private Optional<Run> next() {
        if (running >= maxRunning) {
            return Optional.empty();
        }
        Waiting head = queue.poll();
        if (head == null) {
            return Optional.empty();
        }
        byRunId.remove(head.run.id());
        running++;
        return Optional.of(head.run);
    }

    /** Removes a queued run (cancelled before it started). Whether it was queued. */
    boolean remove(String runId) {
        lock.lock();
        try {
            Waiting waiting = byRunId.remove(runId);
            return waiting != null && queue.remove(waiting);
        } finally {
            lock.unlock();
        }
    }

    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private record Waiting(Run run, long sequence) implements Comparable<Waiting> {
        @Override
        public int compareTo(Waiting other) {
            int byPriority = Integer.compare(other.run.priority(), run.priority());
            return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
        }
    }
}
