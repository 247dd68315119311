package dev.baton.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputArgumentsTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void parses_strings_and_typed_json_values() {
        ObjectNode inputs = InputArguments.parse(List.of("text=a=b", "n:=3", "tags:=[\"x\"]", "empty="), json);

        assertThat(inputs.get("text").asText()).isEqualTo("a=b");
        assertThat(inputs.get("n").isInt()).isTrue();
        assertThat(inputs.get("tags").get(0).asText()).isEqualTo("x");
        assertThat(inputs.get("empty").asText()).isEmpty();
    }

    @Test
    void rejects_arguments_without_a_key_or_with_bad_json() {
        assertThatThrownBy(() -> InputArguments.parse(List.of("novalue"), json)).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> InputArguments.parse(List.of("=x"), json)).hasMessageContaining("empty field name");
        assertThatThrownBy(() -> InputArguments.parse(List.of("n:={"), json)).hasMessageContaining("not valid JSON");
    }
}
