package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The signals {@link PgClusterSignals} was asked to publish and has not sent yet, coalesced: one
 * {@code WorkAvailable}, the union of the changed runs (or "any run" past
 * {@value SignalPayloads#MAX_NAMED_RUNS} of them), the cancels in order (at most {@value #MAX_CANCELS}; past that a
 * cancel becomes "any run changed", which the owner notices at its next poll). {@link #take()} hands the batch to
 * the sender when it is due: at once when it holds work or a cancel, else {@code coalesceInterval} after the
 * previous batch.
 *
 * <p>Thread-safe; {@link #add} never blocks on anything but this object's lock, which is never held during I/O.
 */
final class PendingSignals {
    static final int MAX_CANCELS = 10_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final long coalesceNanos;
    private boolean work;
    private boolean anyRun;
    private final Set<String> runs = new LinkedHashSet<>();
    private final List<ClusterSignal.CancelRequested> cancels = new ArrayList<>();
    private boolean closed;
    private long lastTakenNanos;

    PendingSignals(Duration coalesceInterval) {
        this.coalesceNanos = coalesceInterval.toNanos();
        this.lastTakenNanos = System.nanoTime() - coalesceNanos;
    }

    /** Adds a signal to the pending batch; ignored once closed. */
    void add(ClusterSignal signal) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            switch (signal) {
                case ClusterSignal.WorkAvailable ignored -> work = true;
                case ClusterSignal.CancelRequested cancel -> {
                    if (cancels.size() < MAX_CANCELS) {
                        cancels.add(cancel);
                    } else {
                        anyRun = true;
                    }
                }
                case ClusterSignal.RunsChanged changedRuns -> {
                    if (changedRuns.runIds().isEmpty()
                        || runs.size() + changedRuns.runIds().size() > SignalPayloads.MAX_NAMED_RUNS) {
                        anyRun = true;
                        runs.clear();
                    } else if (!anyRun) {
                        runs.addAll(changedRuns.runIds());
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a batch is due and takes it.
     *
     * @return the batch's payloads ({@link SignalPayloads#encode}), or {@code null} once closed
     */
    List<String> take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && !due()) {
                long wait = empty() ? TimeUnit.SECONDS.toNanos(1) : lastTakenNanos + coalesceNanos - System.nanoTime();
                changed.awaitNanos(Math.max(1, wait));
            }
            if (closed) {
                return null;
            }
            List<String> payloads = SignalPayloads.encode(work, cancels, anyRun, runs);
            work = false;
            anyRun = false;
            runs.clear();
            cancels.clear();
            lastTakenNanos = System.nanoTime();
            return payloads;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is pending and wakes {@link #take()}, which returns {@code null} from now on. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean due() {
        if (work || !cancels.isEmpty()) {
            return true;
        }
        return (anyRun || !runs.isEmpty()) && System.nanoTime() - lastTakenNanos >= coalesceNanos;
    }

    private boolean empty() {
        return !work && !anyRun && runs.isEmpty() && cancels.isEmpty();
    }
}
