package dev.baton.observability.alerts;

import dev.baton.core.run.RunStatus;
import dev.baton.observability.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentRunsTest {
    private final ManualClock clock = new ManualClock();
    private final RecentRuns runs = new RecentRuns(Duration.ofMinutes(10), clock);

    @Test
    void error_rate_counts_failed_and_timed_out_runs_but_not_cancelled_ones() {
        for (int i = 0; i < 6; i++) {
            runs.runFinished(Runs.run(RunStatus.SUCCEEDED));
        }
        runs.runFinished(Runs.run(RunStatus.FAILED));
        runs.runFinished(Runs.run(RunStatus.TIMED_OUT));
        runs.runFinished(Runs.run(RunStatus.CANCELLED));
        runs.runFinished(Runs.run(RunStatus.CANCELLED));

        RecentRuns.Stats stats = runs.stats(Duration.ofMinutes(10));

        assertThat(stats.finished()).isEqualTo(10);
        assertThat(stats.failed()).isEqualTo(2);
        assertThat(stats.errorRate()).isEqualTo(0.2);
    }

    @Test
    void child_runs_are_part_of_their_parent_and_not_counted() {
        runs.runFinished(Runs.child(RunStatus.FAILED));
        runs.runStarted(Runs.child(RunStatus.RUNNING), Duration.ZERO);

        RecentRuns.Stats stats = runs.stats(Duration.ofMinutes(10));

        assertThat(stats.finished()).isZero();
        assertThat(stats.admitted()).isZero();
        assertThat(stats.errorRate()).isZero();
        assertThat(stats.queueWaitP95()).isNull();
    }

    @Test
    void runs_leave_the_window_as_time_passes() {
        runs.runFinished(Runs.run(RunStatus.FAILED));
        clock.advance(Duration.ofMinutes(6));
        runs.runFinished(Runs.run(RunStatus.SUCCEEDED));

        assertThat(runs.stats(Duration.ofMinutes(10)).finished()).isEqualTo(2);
        assertThat(runs.stats(Duration.ofMinutes(5)).finished()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(5));
        RecentRuns.Stats later = runs.stats(Duration.ofMinutes(10));
        assertThat(later.finished()).isEqualTo(1);
        assertThat(later.failed()).isZero();

        clock.advance(Duration.ofHours(3));
        assertThat(runs.stats(Duration.ofMinutes(10)).finished()).isZero();
    }

    @Test
    void queue_wait_p95_is_within_one_percent_of_the_true_percentile_and_never_above_the_largest_wait() {
        for (int i = 1; i <= 100; i++) {
            runs.runStarted(Runs.run(RunStatus.RUNNING), Duration.ofMillis(i * 1000L));
        }

        RecentRuns.Stats stats = runs.stats(Duration.ofMinutes(10));

        assertThat(stats.admitted()).isEqualTo(100);
        // the true nearest-rank p95 is 95 s; HdrHistogram with 2 significant digits errs high by at most 1%
        assertThat(stats.queueWaitP95()).isBetween(Duration.ofSeconds(95), Duration.ofMillis(95_950));
    }

    @Test
    void a_single_wait_is_reported_exactly_and_sub_millisecond_waits_are_zero() {
        runs.runStarted(Runs.run(RunStatus.RUNNING), Duration.ofMillis(3_700));
        assertThat(runs.stats(Duration.ofMinutes(1)).queueWaitP95()).isEqualTo(Duration.ofMillis(3_700));

        RecentRuns fresh = new RecentRuns(Duration.ofMinutes(10), clock);
        fresh.runStarted(Runs.run(RunStatus.RUNNING), Duration.ofNanos(300_000));
        assertThat(fresh.stats(Duration.ofMinutes(1)).queueWaitP95()).isEqualTo(Duration.ZERO);
    }

    @Test
    void a_window_longer_than_the_kept_one_is_refused() {
        assertThatThrownBy(() -> runs.stats(Duration.ofMinutes(11))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> runs.stats(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void counts_every_run_when_many_threads_report_at_once() throws Exception {
        int threads = 8;
        int perThread = 1_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    runs.runStarted(Runs.run(RunStatus.RUNNING), Duration.ofMillis(i));
                    runs.runFinished(Runs.run(i % 10 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED));
                }
            }));
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }

        RecentRuns.Stats stats = runs.stats(Duration.ofMinutes(10));
        assertThat(stats.finished()).isEqualTo(threads * perThread);
        assertThat(stats.admitted()).isEqualTo(threads * perThread);
        assertThat(stats.failed()).isEqualTo(threads * perThread / 10);
    }
}
