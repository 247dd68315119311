package dev.baton.server.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSummaryTest {

    @Test
    void counts_outcomes_and_takes_nearest_rank_percentiles() {
        List<RunResult> results = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            results.add(new RunResult(i - 1, "s" + i, "r" + i, i == 7 ? "failed" : "succeeded", null, null, i * 10L));
        }

        BatchSummary summary = BatchSummary.of(results, Duration.ofSeconds(4));

        assertThat(summary.total()).isEqualTo(20);
        assertThat(summary.succeeded()).isEqualTo(19);
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.p50Ms()).isEqualTo(100);
        assertThat(summary.p95Ms()).isEqualTo(190);
        assertThat(summary.runsPerSecond()).isEqualTo(5.0);
        assertThat(summary.describe()).contains("20 runs: 19 succeeded, 1 failed").contains("p50 100 ms, p95 190 ms");
    }

    @Test
    void an_empty_batch_has_zero_figures() {
        BatchSummary summary = BatchSummary.of(List.of(), Duration.ZERO);

        assertThat(summary.p50Ms()).isZero();
        assertThat(summary.p95Ms()).isZero();
        assertThat(summary.runsPerSecond()).isZero();
    }
}
