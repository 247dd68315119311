package dev.baton.core.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link Percentiles}: SQL's PERCENTILE_CONT, the one percentile definition shared by analytics and monitoring. */
class PercentilesTest {
    @Test
    void continuous_interpolates_between_neighbours_as_percentile_cont_does() {
        double[] sorted = {10, 20, 30, 40};
        assertThat(Percentiles.continuous(sorted, 0.5)).isEqualTo(25.0);
        assertThat(Percentiles.continuous(sorted, 0.95)).isCloseTo(38.5, within(1e-9));
        assertThat(Percentiles.continuous(sorted, 0)).isEqualTo(10.0);
        assertThat(Percentiles.continuous(sorted, 1)).isEqualTo(40.0);
        assertThat(Percentiles.continuous(new double[]{-3}, 0.95)).isEqualTo(-3.0);
        assertThat(Percentiles.of(new double[]{40, 10, 30, 20}).p95()).isEqualTo(Percentiles.continuous(sorted, 0.95));
    }

    @Test
    void continuous_refuses_no_values_or_a_fraction_outside_zero_to_one() {
        assertThatThrownBy(() -> Percentiles.continuous(new double[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.continuous(new double[]{1}, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.continuous(new double[]{1}, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
