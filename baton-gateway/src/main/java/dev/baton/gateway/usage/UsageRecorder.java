package dev.baton.gateway.usage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes usage records to a {@link UsageStore} off the request path, in batches.
 *
 * <p>{@link #record} puts the record in a bounded queue and returns at once; it never blocks a request. A virtual
 * thread takes records from the queue and appends them in batches of at most {@code maxBatch}, as soon as a batch
 * is full or {@code flushInterval} after its first record arrived (defaults: 500 records, 200 ms). When the queue
 * is full (the store is slower than the traffic for longer than the queue lasts) the new record is dropped and
 * counted; a batch the store fails to write is logged and counted, not retried (a store that stays down would
 * otherwise hold ever more records in memory). {@link #close()} writes what is queued, then stops the thread.
 *
 * <p>An optional {@link UsageListener} (metrics) is told every record synchronously in {@link #record}, and every
 * drop; what it throws is logged and ignored.
 *
 * <p>Thread-safe. The counters are in {@link #stats()}.
 */
public final class UsageRecorder implements AutoCloseable {
    /** Default queue capacity: a few seconds of heavy traffic. */
    public static final int DEFAULT_CAPACITY = 50_000;
    /** Default largest batch handed to {@link UsageStore#append}. */
    public static final int DEFAULT_MAX_BATCH = 500;
    /** Default longest time a record waits for its batch to fill. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
    /** How long {@link #close()} waits for the last batch to be written. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);
    /** Wakes the writer on close; never written to the store. */
    private static final UsageRecord WAKE_UP = new UsageRecord(Instant.EPOCH, "-", null, null, null, "-", "-", "-",
            "-", "-", 0, 0, false, 0, Duration.ZERO, null, false, null);

    private final UsageStore store;
    private final UsageListener listener;
    private final BlockingQueue<UsageRecord> queue;
    private final int maxBatch;
    private final long flushIntervalNanos;
    private final Thread writer;
    private volatile boolean closing;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();

    /** A recorder with the default capacity, batch size and interval. */
    public UsageRecorder(UsageStore store) {
        this(store, UsageListener.NONE);
    }

    /** A recorder with the default capacity, batch size and interval that tells {@code listener} every record. */
    public UsageRecorder(UsageStore store, UsageListener listener) {
        this(store, DEFAULT_CAPACITY, DEFAULT_MAX_BATCH, DEFAULT_FLUSH_INTERVAL, listener);
    }

    /** As {@link #UsageRecorder(UsageStore, int, int, Duration, UsageListener)} without a listener. */
    public UsageRecorder(UsageStore store, int capacity, int maxBatch, Duration flushInterval) {
        this(store, capacity, maxBatch, flushInterval, UsageListener.NONE);
    }

    /**
     * Starts the writer thread.
     *
     * @param capacity      records the queue holds before new ones are dropped, ≥ 1
     * @param maxBatch      most records per {@link UsageStore#append}, ≥ 1
     * @param flushInterval longest wait for a batch to fill, positive
     * @param listener      told every record synchronously in {@link #record} (metrics), and every drop
     */
    public UsageRecorder(UsageStore store, int capacity, int maxBatch, Duration flushInterval,
                         UsageListener listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.listener = Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (capacity < 1 || maxBatch < 1 || flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("usage recorder: capacity and maxBatch must be ≥ 1 and flushInterval"
                    + " positive, got " + capacity + ", " + maxBatch + ", " + flushInterval);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.writer = Thread.ofVirtual().name("baton-usage-writer").start(this::writeUntilClosed);
    }

    /**
     * Tells the listener, then queues one record for writing. Never blocks: when the queue is full or the
     * recorder is closed the record is dropped and counted in {@link Stats#dropped()}.
     */
    public void record(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        tell(record, false);
        if (!closing && queue.offer(record)) {
            accepted.incrementAndGet();
            return;
        }
        tell(record, true);
        long lost = dropped.incrementAndGet();
        if (Long.bitCount(lost) == 1) { // 1, 2, 4, 8... : say it without flooding the log
            log.warn("usage records dropped: {} so far ({})", lost,
                    closing ? "the recorder is closed" : "the write queue is full; the usage store is too slow");
        }
    }

    /** Calls the listener; what it throws is logged (at most once per power of two failures) and ignored. */
    private void tell(UsageRecord record, boolean drop) {
        if (listener == UsageListener.NONE) {
            return;
        }
        try {
            if (drop) {
                listener.dropped(record);
            } else {
                listener.recorded(record);
            }
        } catch (RuntimeException e) {
            long failures = listenerFailures.incrementAndGet();
            if (Long.bitCount(failures) == 1) {
                log.warn("usage listener {} failed ({} so far); ignored: {}", listener.getClass().getName(),
                        failures, e.toString());
            }
        }
    }

    /** The counters since start. */
    public Stats stats() {
        return new Stats(accepted.get(), dropped.get(), written.get(), failed.get(), queue.size());
    }

    /**
     * The recorder's counters.
     *
     * @param accepted records queued
     * @param dropped  records refused because the queue was full or the recorder closed
     * @param written  records the store accepted
     * @param failed   records lost because the store failed to write their batch
     * @param queued   records waiting now
     */
    public record Stats(long accepted, long dropped, long written, long failed, long queued) {}

    private void writeUntilClosed() {
        List<UsageRecord> batch = new ArrayList<>(maxBatch);
        try {
            while (!closing) {
                UsageRecord first = queue.poll(flushIntervalNanos, TimeUnit.NANOSECONDS);
                if (first == null || first == WAKE_UP) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + flushIntervalNanos;
                while (batch.size() < maxBatch && !closing) {
                    queue.drainTo(batch, maxBatch - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= maxBatch || left <= 0) {
                        break;
                    }
                    UsageRecord next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    }
                }
                write(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // closing: write what is left
        while (true) {
            queue.drainTo(batch, maxBatch - batch.size());
            if (batch.isEmpty()) {
                return;
            }
            write(batch);
        }
    }

    private void write(List<UsageRecord> batch) {
        batch.removeIf(record -> record == WAKE_UP);
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.append(List.copyOf(batch));
            written.addAndGet(batch.size());
        } catch (RuntimeException e) {
            failed.addAndGet(batch.size());
            log.warn("usage store failed to write {} records; they are lost: {}", batch.size(), e.toString());
        } finally {
            batch.clear();
        }
    }

    /**
     * Stops taking records, writes those queued and waits (up to 10 s) for the writer to finish. Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        queue.offer(WAKE_UP); // a full queue needs no waking: the writer is busy with it
        try {
            if (!writer.join(CLOSE_TIMEOUT)) {
                log.warn("usage writer did not finish within {}; {} records were not written", CLOSE_TIMEOUT,
                        queue.size());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // a record() that passed its closing check just before close() may have landed after the writer's last
        // drain: write it here
        List<UsageRecord> late = new ArrayList<>();
        queue.drainTo(late);
        write(late);
    }
}
