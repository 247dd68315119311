package dev.baton.observability.alerts;

import dev.baton.core.engine.EngineObserver;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sliding window of the runs this node finished and admitted recently, for the run alert rules: how many
 * finished and how many of them failed, and the 95th percentile of the time runs waited in the queue. Only
 * top-level runs count (child runs of {@code workflow}/{@code map} steps are part of their parent).
 *
 * <p>Memory is bounded whatever the traffic: the window is cut into {@value #SLOTS} slots (a 10-minute window
 * has 10-second slots), each with two counters and a histogram of queue waits in {@value #BUCKETS} log-spaced
 * buckets (four per doubling, so a percentile is within 19% of the true value; it is reported as the bucket's
 * upper bound capped at the largest wait seen, so it errs high). A query covers the slots of the window asked
 * for; the oldest slot may be partly outside it (the window is exact to one slot).
 *
 * <p>Why not Micrometer's windowed percentiles ({@code distributionStatisticExpiry}/{@code BufferLength}, an
 * HdrHistogram ring) or HdrHistogram's {@code Recorder}: the run rules need the counts and the percentile over the
 * <em>same</em> slots, for a window given per query, by the engine's clock ({@link InstantSource}, manual in
 * tests); Micrometer's ring rotates by its own clock over one fixed expiry and only yields the percentile, and an
 * HdrHistogram per slot with two significant digits over 1 ms to a day is about 20 KB, times 61 slots. These 128
 * counters per slot (1 KB) give the 19% bound above, enough for a threshold alert. The figure is an estimate by
 * nearest rank over buckets, not the interpolated {@code PERCENTILE_CONT} of the analytics API (which reads exact
 * stored durations).
 *
 * <p>Thread-safe and cheap: a hook takes one uncontended lock for a few array writes.
 */
public final class RecentRuns implements EngineObserver {
    static final int SLOTS = 60;
    static final int BUCKETS = 128;
    private static final int BUCKETS_PER_DOUBLING = 4;

    /**
     * The window's figures.
     *
     * @param finished       top-level runs that reached a terminal status in the window
     * @param failed         those that finished FAILED or TIMED_OUT (cancelled runs are not failures)
     * @param admitted       top-level runs admitted from the queue in the window
     * @param queueWaitP95   95th percentile of their queue wait (bucket upper bound, see the class comment), or
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
        final long[] waits = new long[BUCKETS];

        void reset(long newEpoch) {
            epoch = newEpoch;
            finished = 0;
            failed = 0;
            admitted = 0;
            maxWaitMillis = 0;
            Arrays.fill(waits, 0);
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
            slot.waits[bucket(waitMillis)]++;
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
        long[] waits = new long[BUCKETS];
        lock.lock();
        try {
            for (Slot slot : slots) {
                if (slot.epoch > now - slotsWanted && slot.epoch <= now) {
                    finished += slot.finished;
                    failed += slot.failed;
                    admitted += slot.admitted;
                    maxWait = Math.max(maxWait, slot.maxWaitMillis);
                    for (int b = 0; b < BUCKETS; b++) {
                        waits[b] += slot.waits[b];
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return new Stats(finished, failed, admitted, admitted == 0 ? null : p95(waits, admitted, maxWait));
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

    /**
     * Bucket 0 holds waits under 1 ms, bucket 1 holds exactly 1 ms, and bucket b ≥ 2 holds
     * (2^((b−2)/4), 2^((b−1)/4)] ms, so that {@link #upperBound}(b) = 2^((b−1)/4) is the largest wait of bucket b;
     * the last bucket also holds everything longer (2^(126/4) ms is about 270 days).
     */
    static int bucket(long millis) {
        if (millis < 1) {
            return 0;
        }
        // the small epsilon keeps exact powers of two (16 ms) in their own bucket despite rounding in log()
        int b = (int) Math.ceil(Math.log(millis) / Math.log(2) * BUCKETS_PER_DOUBLING - 1e-9) + 1;
        return Math.min(BUCKETS - 1, Math.max(1, b));
    }

    /** The upper bound of bucket {@code b}, ms. */
    static double upperBound(int b) {
        return b == 0 ? 1 : Math.pow(2, (double) (b - 1) / BUCKETS_PER_DOUBLING);
    }

    private static Duration p95(long[] waits, long count, long maxWait) {
        long rank = (long) Math.ceil(0.95 * count);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += waits[b];
            if (seen >= rank) {
                return Duration.ofMillis(Math.min(maxWait, (long) Math.ceil(upperBound(b))));
            }
        }
        return Duration.ofMillis(maxWait);
    }
}
