package dev.baton.bench.engine;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PercentilesTest {

    @Test
    void nearest_rank_percentiles_of_one_to_thousand_microseconds() {
        long[] micros = LongStream.rangeClosed(1, 1000).map(i -> 1001 - i).toArray();

        Percentiles p = Percentiles.ofMicros(micros);

        assertThat(p.count()).isEqualTo(1000);
        assertThat(p.p50()).isCloseTo(0.500, within(1e-9));
        assertThat(p.p99()).isCloseTo(0.990, within(1e-9));
        assertThat(p.p999()).isCloseTo(0.999, within(1e-9));
        assertThat(p.max()).isCloseTo(1.000, within(1e-9));
    }

    @Test
    void single_sample_is_every_percentile_and_nanos_convert_to_milliseconds() {
        Percentiles p = Percentiles.ofNanos(new long[]{2_500_000});

        assertThat(p.p50()).isEqualTo(2.5);
        assertThat(p.p99()).isEqualTo(2.5);
        assertThat(p.max()).isEqualTo(2.5);
    }

    @Test
    void empty_sample_has_no_figures() {
        assertThat(Percentiles.ofNanos(new long[0]).count()).isZero();
        assertThat(Percentiles.ofNanos(new long[0]).p50()).isNaN();
    }
}
