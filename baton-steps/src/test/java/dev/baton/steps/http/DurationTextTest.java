package dev.baton.steps.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "1m30s, PT1M30S",
            "1h2m3s4ms, PT1H2M3.004S", "PT30S, PT30S", "pt1m, PT1M"})
    void parses_workflow_durations(String text, String iso) {
        assertThat(DurationText.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "30", "s", "30s5m", "1m1m", "10 s", "-5s", "P", "1.5s"})
    void rejects_anything_else(String text) {
        assertThat(DurationText.parse(text)).isNull();
    }
}
