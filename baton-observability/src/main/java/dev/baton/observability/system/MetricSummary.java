package dev.baton.observability.system;

import dev.baton.core.store.Percentiles;

import java.util.Arrays;

/**
 * One metric over a window: how many samples knew it, and their minimum, mean, maximum and 95th percentile.
 * All {@code NaN} when no sample in the window knew it ({@code samples == 0}).
 *
 * @param samples samples with a known value
 * @param p95     the 95th percentile as SQL's {@code PERCENTILE_CONT(0.95)} computes it ({@link
 *                Percentiles#continuous}: linearly interpolated at position 0.95·(n − 1) of the sorted values), the
 *                same definition as the analytics API's percentiles
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
                Percentiles.continuous(known, 0.95));
    }
}
