package dev.baton.observability.system;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A probe whose readings the test sets: {@link #next} queues readings; once the queue is empty it repeats the
 * last one. {@link #failNext} makes the next read throw.
 */
public final class FakeHostProbe implements HostProbe {
    private final Deque<HostReading> queued = new ArrayDeque<>();
    private HostReading last = reading(0.1, 0.5, 0.5);
    private boolean fail;
    private int reads;

    /** A reading with the given host CPU, memory and disk ratios (0..1), other figures fixed. */
    public static HostReading reading(double cpu, double memory, double disk) {
        long total = 1_000_000;
        return new HostReading(cpu, cpu / 2, (long) (memory * total), total, (long) (disk * total), total,
                0, 0, 100, 1000, 0, 0, 20);
    }

    public FakeHostProbe next(HostReading... readings) {
        for (HostReading reading : readings) {
            queued.add(reading);
        }
        return this;
    }

    public FakeHostProbe failNext() {
        fail = true;
        return this;
    }

    public int reads() {
        return reads;
    }

    @Override
    public HostReading read() {
        reads++;
        if (fail) {
            fail = false;
            throw new IllegalStateException("cannot read /proc/stat");
        }
        if (!queued.isEmpty()) {
            last = queued.poll();
        }
        return last;
    }
}
