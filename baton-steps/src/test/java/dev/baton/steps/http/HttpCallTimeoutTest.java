package dev.baton.steps.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The step's {@code timeout} argument uses the language's one duration syntax ({@code DurationFormat}). */
class HttpCallTimeoutTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "1m30s, PT1M30S",
            "1h2m3s4ms, PT1H2M3.004S", "PT30S, PT30S", "pt1m, PT1M"})
    void parses_workflow_durations(String text, String iso) {
        assertThat(HttpCall.parse(arguments(text)).timeout()).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "30", "s", "30s5m", "1m1m", "10 s", "-5s", "P", "1.5s", "0s", "PT0S"})
    void rejects_anything_else_naming_the_argument(String text) {
        assertThatThrownBy(() -> HttpCall.parse(arguments(text)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("timeout: must be a positive duration");
                });
    }

    private static ObjectNode arguments(String timeout) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("url", "http://127.0.0.1:9/x");
        args.put("timeout", timeout);
        return args;
    }
}
