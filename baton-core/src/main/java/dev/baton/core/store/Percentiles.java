package dev.baton.core.store;

import java.util.Arrays;

/**
 * The 50th, 95th and 99th percentiles of a set of durations, in milliseconds (fractions kept).
 *
 * <p>Computed as SQL's {@code PERCENTILE_CONT} does (ISO/IEC 9075, as in PostgreSQL and H2): for a fraction
 * {@code p} of {@code n} sorted values, the value at position {@code p × (n − 1)}, linearly interpolated between
 * its neighbours. The in-memory stores use {@link #of(double[])}; the JDBC stores let the database compute it,
 * so both give the same figures.
 *
 * @param p50 median, ms
 * @param p95 95th percentile, ms
 * @param p99 99th percentile, ms
 */
public record Percentiles(double p50, double p95, double p99) {
    public Percentiles {
        if (!(p50 >= 0) || !(p95 >= p50) || !(p99 >= p95)) {
            throw new IllegalArgumentException("percentiles must be >= 0 and ordered, got " + p50 + ", " + p95
                    + ", " + p99);
        }
    }

    /**
     * The percentiles of {@code values} (ms, any order; the array is sorted in place).
     *
     * @return the percentiles, or {@code null} when there are no values
     */
    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return null;
        }
        Arrays.sort(values);
        // Interpolating in floating point can leave a higher percentile a rounding error below a lower one.
        double p50 = continuous(values, 0.5);
        double p95 = Math.max(p50, continuous(values, 0.95));
        return new Percentiles(p50, p95, Math.max(p95, continuous(values, 0.99)));
    }

    /**
     * {@code PERCENTILE_CONT(fraction)} of {@code sorted} (ascending, at least one value, any unit): the one
     * percentile definition of Baton, shared by analytics and host monitoring so that "p95" means the same
     * everywhere.
     *
     * @param fraction between 0 and 1, e.g. {@code 0.95}
     * @throws IllegalArgumentException when {@code sorted} is empty or {@code fraction} is outside [0, 1]
     */
    public static double continuous(double[] sorted, double fraction) {
        if (sorted.length == 0 || !(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("need at least one value and a fraction in [0, 1], got "
                    + sorted.length + " values and " + fraction);
        }
        double position = fraction * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = (int) Math.ceil(position);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
