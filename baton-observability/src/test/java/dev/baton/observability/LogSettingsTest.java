package dev.baton.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.observability.LogSettings.Format;
import dev.baton.observability.LogSettings.Level;
import dev.baton.observability.LogSettings.Mode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogSettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogSettings read(String logs) throws Exception {
        JsonNode section = JSON.readTree("{\"logs\": " + logs + "}");
        return ObservabilityConfigReader.read(section).logs();
    }

    @Test
    void an_absent_section_takes_the_defaults_of_each_mode() {
        LogSettings logs = ObservabilityConfigReader.read(null).logs();

        assertThat(logs).isEqualTo(LogSettings.DEFAULT);
        assertThat(logs.format(Mode.SERVER)).isEqualTo(Format.JSON);
        assertThat(logs.format(Mode.CLI)).isEqualTo(Format.TEXT);
        assertThat(logs.level(Mode.SERVER)).isEqualTo(Level.INFO);
        assertThat(logs.level(Mode.CLI)).isEqualTo(Level.WARN);
    }

    @Test
    void configured_format_and_level_apply_in_both_modes() throws Exception {
        LogSettings logs = read("{\"format\": \"text\", \"level\": \"debug\"}");

        assertThat(logs.format(Mode.SERVER)).isEqualTo(Format.TEXT);
        assertThat(logs.format(Mode.CLI)).isEqualTo(Format.TEXT);
        assertThat(logs.level(Mode.SERVER)).isEqualTo(Level.DEBUG);
        assertThat(logs.level(Mode.CLI)).isEqualTo(Level.DEBUG);
    }

    @Test
    void an_unknown_key_is_rejected_with_its_path_and_a_suggestion() {
        assertThatThrownBy(() -> read("{\"fromat\": \"json\"}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.logs.fromat")
                .hasMessageContaining("did you mean 'format'");
    }

    @Test
    void an_unknown_format_or_level_is_rejected_naming_the_setting() {
        assertThatThrownBy(() -> read("{\"format\": \"xml\"}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.logs.format")
                .hasMessageContaining("json, text");
        assertThatThrownBy(() -> read("{\"level\": \"verbose\"}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.logs.level");
        assertThatThrownBy(() -> read("{\"level\": 3}"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("observability.logs.level")
                .hasMessageContaining("must be a string");
    }

    @Test
    void environment_variables_override_the_file_case_insensitively() throws Exception {
        LogSettings file = read("{\"format\": \"json\", \"level\": \"info\"}");

        LogSettings overridden = file.withEnvironment(Map.of("BATON_LOG_FORMAT", " TEXT ", "BATON_LOG_LEVEL", "Error"));

        assertThat(overridden).isEqualTo(new LogSettings(Format.TEXT, Level.ERROR));
        assertThat(file.withEnvironment(Map.of("BATON_LOG_FORMAT", " "))).isEqualTo(file);
        assertThat(LogSettings.DEFAULT.withEnvironment(Map.of("BATON_LOG_LEVEL", "trace")))
                .isEqualTo(new LogSettings(null, Level.TRACE));
    }

    @Test
    void a_bad_environment_value_names_the_variable() {
        assertThatThrownBy(() -> LogSettings.DEFAULT.withEnvironment(Map.of("BATON_LOG_FORMAT", "yaml")))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("BATON_LOG_FORMAT")
                .hasMessageContaining("yaml");
    }
}
