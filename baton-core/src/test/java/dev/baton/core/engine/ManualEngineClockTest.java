package dev.baton.core.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManualEngineClockTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void advancing_runs_due_timers_in_due_order_at_their_instant() {
        ManualEngineClock clock = new ManualEngineClock(T0);
        List<String> fired = new ArrayList<>();
        clock.schedule(Duration.ofSeconds(3), () -> fired.add("3s@" + clock.instant()));
        clock.schedule(Duration.ofSeconds(1), () -> fired.add("1s@" + clock.instant()));
        clock.schedule(Duration.ofSeconds(10), () -> fired.add("10s"));

        clock.advance(Duration.ofSeconds(5));

        assertThat(fired).containsExactly("1s@2026-01-01T00:00:01Z", "3s@2026-01-01T00:00:03Z");
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(5));
        assertThat(clock.pendingTimers()).isEqualTo(1);
        assertThat(clock.nextTimerDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_cancelled_timer_never_fires_and_timers_scheduled_by_timers_fire_in_the_same_window() {
        ManualEngineClock clock = new ManualEngineClock(T0);
        List<String> fired = new ArrayList<>();
        EngineClock.Timer cancelled = clock.schedule(Duration.ofSeconds(1), () -> fired.add("cancelled"));
        clock.schedule(Duration.ofSeconds(1), () -> clock.schedule(Duration.ofSeconds(1), () -> fired.add("chained")));

        assertThat(cancelled.cancel()).isTrue();
        clock.advance(Duration.ofSeconds(2));

        assertThat(fired).containsExactly("chained");
        assertThat(clock.scheduledDelays()).hasSize(3);
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_system_clock_fires_a_zero_delay_timer() throws Exception {
        try (SystemEngineClock clock = new SystemEngineClock()) {
            var fired = new java.util.concurrent.CountDownLatch(1);
            clock.schedule(Duration.ZERO, fired::countDown);
            assertThat(fired.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }
}
