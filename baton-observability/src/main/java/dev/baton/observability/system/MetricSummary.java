package dev.baton.observability.system;

import java.util.Arrays;

/**
 * One metric over a window: how many samples knew it, and their minimum, mean, maximum and 95th percentile.
 * All {@code NaN} when no sample in the window knew it ({@code samples == 0}).
 *
 * @param samples samples with a known value
 * @param p95     the nearest-rank 95th percentile: the smallest value with at least 95% of the values at or
 *                below it (the value of rank ⌈0.95·n⌉ in ascending order), an actual sample, never interpolated
 */
public record MetricSummary(int samples, double min, double avg, double max, double p95) {
    /** No sample. */
    public static final MetricSummary EMPTY = new MetricSummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Summarises {@code values} (NaN values are skipped); sorts a copy. */
    public static MetricSummary of(double[] values) {
        double[] known = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (known.length == 0) {
            return EMPTY;
        }
        double sum = 0;
        for (double v : known) {
            sum += v;
        }
        return new MetricSummary(known.length, known[0], sum / known.length, known[known.length - 1],
                known[percentileIndex(known.length, 0.95)]);
    }

    /** The 0-based index of the nearest-rank {@code quantile} among {@code n} sorted values. */
    static int percentileIndex(int n, double quantile) {
        return Math.max(0, (int) Math.ceil(quantile * n) - 1);
    }
}
