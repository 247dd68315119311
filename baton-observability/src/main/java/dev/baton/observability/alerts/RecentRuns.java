package dev.baton.observability.alerts;

import dev.baton.core.engine.EngineObserver;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sliding window of the runs this node finished and admitted recently, for the run alert rules: how many
 * finished and how many of them failed, and the 95th percentile of the time runs waited in the queue. Only
 * top-level runs count (child runs of {@code workflow}/{@code map} steps are part of their parent).
 *
 * <p>Memory is bounded whatever the traffic: the window is cut into {@value #SLOTS} slots (a 10-minute window
 * has 10-second slots), each with two counters and an HdrHistogram of queue waits in milliseconds with
 * {@value #SIGNIFICANT_DIGITS} significant digits and int counts (a recorded value is counted within 1% of itself;
 * a histogram auto-resizes to the longest wait seen: about 6 KB for waits up to a minute, 11 KB up to a day, so
 * at most about 0.7 MB for the whole window). The p95 is HdrHistogram's
 * {@code getValueAtPercentile(95)} over the slots of the window: the nearest-rank value's bucket, reported by its
 * highest equivalent value and capped at the largest wait seen, so it errs high by at most 1%. A query covers the
 * slots of the window asked for; the oldest slot may be partly outside it (the window is exact to one slot).
 *
 * <p>Why slots of HdrHistograms rather than Micrometer's windowed percentiles ({@code distributionStatisticExpiry},
 * itself a ring of HdrHistograms): the run rules need the counts and the percentile over the <em>same</em> slots,
 * for the window each rule asks for, by the engine's clock ({@link InstantSource}, manual in tests); Micrometer's
 * ring rotates over one fixed expiry and yields the percentile alone. The figure is an estimate by nearest rank,
 * not the interpolated {@code PERCENTILE_CONT} of the analytics API (which reads exact stored durations).
 *
 * <p>Thread-safe and cheap: a hook takes one uncontended lock for a few array writes.
 */
public final class RecentRuns implements EngineObserver {
    static final int SLOTS = 60;
    /** HdrHistogram precision: values are told apart to within 1%. */
    static final int SIGNIFICANT_DIGITS = 2;

    /**
     * The window's figures.
     *
     * @param finished       top-level runs that reached a terminal status in the window
     * @param failed         those that finished FAILED or TIMED_OUT (cancelled runs are not failures)
     * @param admitted       top-level runs admitted from the queue in the window
     * @param queueWaitP95   95th percentile of their queue wait (within 1%, see the class comment), or
     *                       {@code null} when none was admitted
     */
    public record Stats(long finished, long failed, long admitted, Duration queueWaitP95) {
        /** Failed runs as a share of finished runs, 0..1; 0 when none finished. */
        public double errorRate() {
            return finished == 0 ? 0 : (double) failed / finished;
        }
    }

    private static final class Slot {
        long epoch = -1;
        long finished;
        long failed;
        long admitted;
        long maxWaitMillis;
        final IntCountsHistogram waits = new IntCountsHistogram(SIGNIFICANT_DIGITS);

        void reset(long newEpoch) {
            epoch = newEpoch;
            finished = 0;
            failed = 0;
            admitted = 0;
            maxWaitMillis = 0;
            waits.reset();
        }
    }

    private final InstantSource clock;
    private final Duration window;
    private final long slotMillis;
    private final Slot[] slots = new Slot[SLOTS + 1];
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param window the longest window {@link #stats} is asked for (the longest run rule window)
     * @param clock  the engine's clock
     */
    public RecentRuns(Duration window, InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (window.toMillis() < SLOTS) {
            throw new IllegalArgumentException("window must be at least " + SLOTS + "ms");
        }
        this.slotMillis = window.toMillis() / SLOTS;
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    @Override
    public void runStarted(Run run, Duration queueWait) {
        if (run.parentRunId() != null) {
            return;
        }
        long waitMillis = Math.max(0, queueWait.toMillis());
        lock.lock();
        try {
            Slot slot = current();
            slot.admitted++;
            slot.waits.recordValue(waitMillis);
            slot.maxWaitMillis = Math.max(slot.maxWaitMillis, waitMillis);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void runFinished(Run run) {
        if (run.parentRunId() != null) {
            return;
        }
        boolean failed = run.status() == RunStatus.FAILED || run.status() == RunStatus.TIMED_OUT;
        lock.lock();
        try {
            Slot slot = current();
            slot.finished++;
            if (failed) {
                slot.failed++;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The figures of the last {@code window}.
     *
     * @throws IllegalArgumentException when {@code window} is not positive or longer than the configured one
     */
    public Stats stats(Duration window) {
        if (window.isNegative() || window.isZero() || window.compareTo(this.window) > 0) {
            throw new IllegalArgumentException("window must be positive and at most " + this.window);
        }
        long slotsWanted = Math.min(SLOTS, Math.max(1, (window.toMillis() + slotMillis - 1) / slotMillis));
        long now = clock.millis() / slotMillis;
        long finished = 0;
        long failed = 0;
        long admitted = 0;
        long maxWait = 0;
        Histogram waits = new Histogram(SIGNIFICANT_DIGITS);
        lock.lock();
        try {
            for (Slot slot : slots) {
                if (slot.epoch > now - slotsWanted && slot.epoch <= now) {
                    finished += slot.finished;
                    failed += slot.failed;
                    admitted += slot.admitted;
                    maxWait = Math.max(maxWait, slot.maxWaitMillis);
                    waits.add(slot.waits);
                }
            }
        } finally {
            lock.unlock();
        }
        return new Stats(finished, failed, admitted, admitted == 0 ? null
                : Duration.ofMillis(Math.min(maxWait, waits.getValueAtPercentile(95))));
    }

    /** The slot of now, emptied first when it last held an older period. Call under the lock. */
    private Slot current() {
        long epoch = clock.millis() / slotMillis;
        Slot slot = slots[(int) Math.floorMod(epoch, (long) slots.length)];
        if (slot.epoch != epoch) {
            slot.reset(epoch);
        }
        return slot;
    }
}
