package dev.baton.observability.system;

import dev.baton.observability.ManualClock;
import dev.baton.observability.SystemSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SystemMonitorTest {
    private final ManualClock clock = new ManualClock();
    private final FakeHostProbe probe = new FakeHostProbe();
    private final SystemSettings settings = new SystemSettings(true, Duration.ofSeconds(10), Duration.ofMinutes(1));

    private static HostReading counters(long received, long sent, long gcMillis) {
        return new HostReading(0.2, 0.1, 500, 1000, 200, 1000, received, sent, 100, 1000, 1, gcMillis, 10);
    }

    @Test
    void network_and_gc_rates_come_from_counter_deltas_and_are_unknown_for_the_first_sample() {
        SystemMonitor monitor = new SystemMonitor(probe.next(counters(1_000, 500, 100), counters(21_000, 1_500, 600)),
                settings, clock);

        SystemSample first = monitor.sample().orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        SystemSample second = monitor.sample().orElseThrow();

        assertThat(first.networkReceivedPerSecond()).isNaN();
        assertThat(first.gcTimeRatio()).isNaN();
        assertThat(second.networkReceivedPerSecond()).isEqualTo(2_000.0);
        assertThat(second.networkSentPerSecond()).isEqualTo(100.0);
        assertThat(second.gcTimeRatio()).isCloseTo(0.05, within(1e-9)); // 500 ms of GC in 10 s
        assertThat(second.at()).isEqualTo(clock.instant());
    }

    @Test
    void a_counter_that_goes_backwards_gives_an_unknown_rate_not_a_negative_one() {
        SystemMonitor monitor = new SystemMonitor(probe.next(counters(5_000, 5_000, 0), counters(1_000, 6_000, 0)),
                settings, clock);

        monitor.sample();
        clock.advance(Duration.ofSeconds(10));
        SystemSample sample = monitor.sample().orElseThrow();

        assertThat(sample.networkReceivedPerSecond()).isNaN();
        assertThat(sample.networkSentPerSecond()).isEqualTo(100.0);
    }

    @Test
    void history_is_bounded_by_the_window_and_keeps_the_newest_samples() {
        SystemMonitor monitor = new SystemMonitor(probe, settings, clock);

        for (int i = 0; i < 20; i++) {
            probe.next(FakeHostProbe.reading(i / 100.0, 0.5, 0.5));
            monitor.sample();
            clock.advance(Duration.ofSeconds(10));
        }

        List<SystemSample> history = monitor.history(Duration.ofHours(1));
        assertThat(history).hasSize(6); // one minute of 10-second samples, capped at the history
        assertThat(history).extracting(s -> s.host().hostCpuLoad()).containsExactly(0.14, 0.15, 0.16, 0.17, 0.18, 0.19);
        assertThat(monitor.history(Duration.ofSeconds(30))).hasSize(3);
        assertThat(monitor.latest()).get().extracting(s -> s.host().hostCpuLoad()).isEqualTo(0.19);
    }

    @Test
    void summary_gives_min_avg_max_and_the_analytics_p95_per_metric_over_the_window() {
        SystemMonitor monitor = new SystemMonitor(probe,
                new SystemSettings(true, Duration.ofSeconds(1), Duration.ofMinutes(10)), clock);
        for (int i = 1; i <= 100; i++) {
            probe.next(FakeHostProbe.reading(i / 100.0, 0.25, 0.5));
            monitor.sample();
            clock.advance(Duration.ofSeconds(1));
        }

        SystemSummary summary = monitor.summary(Duration.ofMinutes(5));

        assertThat(summary.samples()).isEqualTo(100);
        MetricSummary cpu = summary.metrics().get(SystemMetric.CPU_HOST);
        assertThat(cpu.samples()).isEqualTo(100);
        assertThat(cpu.min()).isEqualTo(0.01);
        assertThat(cpu.max()).isEqualTo(1.0);
        assertThat(cpu.avg()).isCloseTo(0.505, within(1e-9));
        // PERCENTILE_CONT, as analytics: position 0.95 × 99 = 94.05 between 0.95 and 0.96
        assertThat(cpu.p95()).isCloseTo(0.9505, within(1e-9));
        assertThat(summary.metrics().get(SystemMetric.MEMORY_USED).avg()).isEqualTo(0.25);
        assertThat(summary.metrics().get(SystemMetric.NETWORK_RECEIVED).samples()).isEqualTo(99); // first unknown
        assertThat(summary.metrics()).containsOnlyKeys(SystemMetric.values());
        assertThat(summary.from()).isBefore(summary.to());
    }

    @Test
    void an_empty_window_summarises_to_no_samples() {
        SystemMonitor monitor = new SystemMonitor(probe, settings, clock);

        SystemSummary summary = monitor.summary(Duration.ofMinutes(1));

        assertThat(summary.samples()).isZero();
        assertThat(summary.from()).isNull();
        assertThat(summary.metrics().get(SystemMetric.CPU_HOST)).isEqualTo(MetricSummary.EMPTY);
        assertThatThrownBy(() -> monitor.summary(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_failing_probe_skips_the_sample_and_sampling_goes_on() {
        SystemMonitor monitor = new SystemMonitor(probe, settings, clock);

        assertThat(monitor.sample()).isPresent();
        probe.failNext();
        assertThat(monitor.sample()).isEmpty();
        assertThat(monitor.sample()).isPresent();
        assertThat(monitor.history(Duration.ofMinutes(1))).hasSize(2);
    }

    @Test
    void listeners_get_every_sample_and_one_that_throws_does_not_stop_the_others() {
        SystemMonitor monitor = new SystemMonitor(probe, settings, clock);
        List<SystemSample> seen = new ArrayList<>();
        monitor.subscribe(s -> {
            throw new IllegalStateException("boom");
        });
        monitor.subscribe(seen::add);

        monitor.sample();
        monitor.sample();

        assertThat(seen).hasSize(2);
    }

    @Test
    void the_loop_samples_at_start_and_then_once_per_tick_of_the_pacer_until_closed() throws Exception {
        SynchronousQueue<Boolean> ticks = new SynchronousQueue<>();
        BlockingQueue<SystemSample> seen = new LinkedBlockingQueue<>();
        List<Duration> intervals = new ArrayList<>();
        SystemMonitor monitor = new SystemMonitor(probe, settings, clock, (interval, closed) -> {
            intervals.add(interval);
            return ticks.take();
        });
        monitor.subscribe(seen::add);

        monitor.start();
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isNotNull();
        ticks.put(true);
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isNotNull();
        ticks.put(false);
        monitor.close();

        assertThat(probe.reads()).isEqualTo(2);
        assertThat(intervals).containsOnly(Duration.ofSeconds(10));
        assertThatThrownBy(monitor::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_stops_a_loop_waiting_in_real_time() {
        SystemMonitor monitor = new SystemMonitor(probe, settings, clock);
        monitor.start();

        monitor.close();

        int reads = probe.reads();
        assertThat(reads).isLessThanOrEqualTo(1);
        monitor.close(); // idempotent
        assertThat(probe.reads()).isEqualTo(reads);
    }
}
