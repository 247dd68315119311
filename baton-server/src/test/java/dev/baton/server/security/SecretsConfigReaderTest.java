package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretsConfigReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void reads_the_directory_and_the_secret_variables_and_never_prints_their_values() throws Exception {
        SecretSettings settings = SecretsConfigReader.read(yaml("secrets: {directory: /run/secrets, shared: false}"),
                Map.of("BATON_SECRET_API_TOKEN", "v1", "BATON_SECRET_bad/name", "x", "BATON_SECRETS_DIR_X", "y",
                        "OTHER", "z"));

        assertThat(settings.directory()).isEqualTo(Path.of("/run/secrets"));
        assertThat(settings.shared()).isFalse();
        assertThat(settings.variables()).isEqualTo(Map.of("API_TOKEN", "v1"));
        assertThat(settings.toString()).contains("API_TOKEN").doesNotContain("v1");
        assertThat(new ObjectMapper().writeValueAsString(settings)).doesNotContain("v1");
    }

    @Test
    void variables_override_the_file_and_environment_false_ignores_the_values() throws Exception {
        SecretSettings settings = SecretsConfigReader.read(yaml("secrets: {directory: /a, environment: true}"),
                Map.of("BATON_SECRETS_DIR", "/b", "BATON_SECRETS_ENVIRONMENT", "false", "BATON_SECRET_X", "v"));

        assertThat(settings.directory()).isEqualTo(Path.of("/b"));
        assertThat(settings.variables()).isEmpty();
        assertThat(SecretsConfigReader.read(yaml("{}"), Map.of())).isEqualTo(SecretSettings.DEFAULT);
    }

    @Test
    void unknown_keys_and_bad_values_name_the_setting() {
        assertThatThrownBy(() -> SecretsConfigReader.read(yaml("secrets: {directroy: /a}"), Map.of()))
                .isInstanceOf(BatonException.class).hasMessageContaining("security.secrets")
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> SecretsConfigReader.read(yaml("secrets: {shared: maybe}"), Map.of()))
                .hasMessageContaining("security.secrets.shared");
        assertThatThrownBy(() -> SecretsConfigReader.read(yaml("{}"), Map.of("BATON_SECRETS_SHARED", "yes")))
                .hasMessageContaining("BATON_SECRETS_SHARED must be true or false");
    }
}
