package dev.baton.gateway.config;

import dev.baton.core.error.BatonException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretRefTest {

    @Test
    void an_environment_value_exported_with_a_trailing_newline_resolves_without_it() {
        var ref = SecretRef.parse("apiKey", "env:OPENAI_API_KEY");
        assertThat(ref.resolve(Map.of("OPENAI_API_KEY", "sk-test-123\n"))).isEqualTo("sk-test-123");
    }

    @Test
    void a_literal_key_is_refused_and_an_unset_variable_is_named_without_a_value() {
        assertThatThrownBy(() -> SecretRef.parse("apiKey", "sk-live-abc"))
                .isInstanceOf(BatonException.class)
                .hasMessageContaining("apiKey")
                .hasMessageNotContaining("sk-live-abc");
        assertThatThrownBy(() -> new SecretRef("env", "MISSING").resolve(Map.of()))
                .hasMessageContaining("MISSING");
        assertThat(new SecretRef("env", "KEY")).hasToString("env:KEY");
    }
}
