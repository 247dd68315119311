package dev.baton.bench.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * Order statistics of a sample of durations (nearest-rank percentiles over the sorted sample; no histogram
 * bucketing, so the figures are exact for the sample).
 *
 * @param count samples
 * @param p50   median, ms
 * @param p90   ms
 * @param p99   ms
 * @param p999  ms
 * @param max   ms
 */
public record Percentiles(int count, double p50, double p90, double p99, double p999, double max) {

    /** From durations in nanoseconds. */
    public static Percentiles ofNanos(long[] nanos) {
        return of(nanos, 1e-6);
    }

    /** From durations in microseconds. */
    public static Percentiles ofMicros(long[] micros) {
        return of(micros, 1e-3);
    }

    private static Percentiles of(long[] values, double toMillis) {
        if (values.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 0.50) * toMillis, rank(sorted, 0.90) * toMillis,
                rank(sorted, 0.99) * toMillis, rank(sorted, 0.999) * toMillis, sorted[sorted.length - 1] * toMillis);
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** One line: {@code n=… p50=… ms p90=… p99=… p99.9=… max=…}. */
    public String format() {
        return String.format(Locale.ROOT, "n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms",
                count, p50, p90, p99, p999, max);
    }
}
