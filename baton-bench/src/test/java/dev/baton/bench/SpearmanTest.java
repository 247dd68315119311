package dev.baton.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpearmanTest {

    @Test
    void ties_get_the_average_of_their_ranks() {
        assertThat(Spearman.ranks(new double[]{10, 20, 20, 5})).containsExactly(2, 3.5, 3.5, 1);
    }

    @Test
    void monotonic_samples_correlate_perfectly() {
        assertThat(Spearman.correlation(new double[]{1, 2, 3, 4}, new double[]{1, 4, 9, 16}))
                .isCloseTo(1.0, within(1e-12));
        assertThat(Spearman.correlation(new double[]{1, 2, 3, 4}, new double[]{4, 3, 2, 1}))
                .isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void matches_scipy_on_a_sample_with_ties() {
        // scipy.stats.spearmanr([1, 2, 2, 3, 5], [2, 1, 3, 3, 4]).statistic == 0.7631578947368421 (= 7.25 / 9.5)
        assertThat(Spearman.correlation(new double[]{1, 2, 2, 3, 5}, new double[]{2, 1, 3, 3, 4}))
                .isCloseTo(0.7631578947368421, within(1e-12));
    }
}
