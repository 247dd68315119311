package dev.baton.core.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationFormatTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "1m30s, PT1M30S",
            "1h15m, PT1H15M", "1d2h3m4s5ms, PT26H3M4.005S", "0s, PT0S", "PT30S, PT30S", "P1DT2H, PT26H", " 10s , PT10S"})
    void parses_compact_and_iso_durations(String text, String iso) {
        assertThat(DurationFormat.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5 s", "s", "1.5s", "30S", "1s1m", "soon", "-5s", "PT-5S", "99999999999999d"})
    void rejects_what_is_not_a_duration(String text) {
        assertThatThrownBy(() -> DurationFormat.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text.strip());
    }

    @Test
    void formats_in_the_compact_syntax_and_round_trips() {
        assertThat(DurationFormat.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(DurationFormat.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(DurationFormat.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationFormat.format(Duration.ofHours(49))).isEqualTo("2d1h");
        for (String text : new String[]{"1d2h3m4s5ms", "45s", "3h"}) {
            assertThat(DurationFormat.format(DurationFormat.parse(text))).isEqualTo(text);
        }
    }

    @Test
    void source_map_falls_back_to_the_nearest_recorded_ancestor() {
        var here = new dev.baton.core.error.SourceLocation("f.yaml", 3, 5);
        SourceMap map = new SourceMap("f.yaml", java.util.Map.of("steps.a", here));
        assertThat(map.locate("steps.a.with.headers[2].x")).isEqualTo(here);
        assertThat(map.locate("outputs")).isEqualTo(new dev.baton.core.error.SourceLocation("f.yaml", 0, 0));
    }
}
