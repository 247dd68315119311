package dev.baton.server.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    private final AtomicLong nanos = new AtomicLong();
    private final StringWriter text = new StringWriter();

    @Test
    void plain_lines_come_at_most_once_per_interval_and_the_final_state_once() {
        try (Progress progress = new Progress(new PrintWriter(text, true), 3, Progress.Mode.LINES, nanos::get,
                Duration.ofSeconds(5))) {
            nanos.set(Duration.ofSeconds(1).toNanos());
            progress.completed(true);
            nanos.set(Duration.ofSeconds(6).toNanos());
            progress.completed(false);
            nanos.set(Duration.ofSeconds(12).toNanos());
            progress.completed(true);
        }

        assertThat(text.toString().lines().toList()).containsExactly(
                "progress: 2/3 runs, 1 failed, 0.3 runs/s",
                "progress: 3/3 runs, 1 failed, 0.3 runs/s");
    }

    @Test
    void the_bar_is_redrawn_in_place_and_ends_its_line() {
        try (Progress progress = new Progress(new PrintWriter(text, true), 2, Progress.Mode.BAR, nanos::get,
                Duration.ofSeconds(5))) {
            nanos.set(Duration.ofSeconds(1).toNanos());
            progress.completed(true);
            nanos.set(Duration.ofSeconds(2).toNanos());
            progress.completed(true);
        }

        String out = text.toString();
        assertThat(out).startsWith("\r[###############...............] 1/2 runs, 0 failed, 1.0 runs/s, eta 1s");
        assertThat(out).contains("\r[##############################] 2/2 runs, 0 failed, 1.0 runs/s").endsWith("\n");
    }

    @Test
    void the_setting_chooses_the_mode() {
        assertThat(Progress.detect("bar")).isEqualTo(Progress.Mode.BAR);
        assertThat(Progress.detect("lines")).isEqualTo(Progress.Mode.LINES);
        assertThat(Progress.detect("none")).isEqualTo(Progress.Mode.NONE);
    }
}
