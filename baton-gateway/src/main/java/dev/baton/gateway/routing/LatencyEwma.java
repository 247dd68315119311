package dev.baton.gateway.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exponentially weighted moving average of a deployment's recent successful latency, in milliseconds:
 * {@code S = ALPHA * x + (1 - ALPHA) * S'} (S. W. Roberts, "Control Chart Tests Based on Geometric Moving
 * Averages", Technometrics 1959; NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.4). The first
 * sample initialises the average.
 *
 * <p>{@link #ALPHA} = 0.3: the newest sample weighs 30 %, and the newest six together about 88 %
 * ({@code 1 - 0.7^6}), so the average follows a deployment that slows down within a handful of calls while one
 * slow outlier moves it by less than a third of the difference.
 *
 * <p>Lock-free: the average's bits live in an {@link AtomicLong} updated by compare-and-set.
 */
final class LatencyEwma {

    /** Weight of the newest sample. */
    static final double ALPHA = 0.3;

    private static final long EMPTY = Double.doubleToRawLongBits(Double.NaN);

    private final AtomicLong bits = new AtomicLong(EMPTY);

    /** Adds one sample. */
    void record(Duration latency) {
        double sample = latency.toNanos() / 1_000_000.0;
        bits.updateAndGet(old -> {
            double previous = Double.longBitsToDouble(old);
            double next = Double.isNaN(previous) ? sample : ALPHA * sample + (1 - ALPHA) * previous;
            return Double.doubleToRawLongBits(next);
        });
    }

    /** Whether at least one sample was recorded. */
    boolean hasSamples() {
        return !Double.isNaN(Double.longBitsToDouble(bits.get()));
    }

    /** The average in ms, or 0 when there is no sample yet. */
    double millis() {
        double value = Double.longBitsToDouble(bits.get());
        return Double.isNaN(value) ? 0 : value;
    }
}
