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
                        "OTHER", "z"), false);

        assertThat(settings.directory()).isEqualTo(Path.of("/run/secrets"));
        assertThat(settings.shared()).isFalse();
        assertThat(settings.variables()).isEqualTo(Map.of("API_TOKEN", "v1"));
        assertThat(settings.toString()).contains("API_TOKEN").doesNotContain("v1");
        assertThat(new ObjectMapper().writeValueAsString(settings)).doesNotContain("v1");
    }

    @Test
    void variables_override_the_file_and_environment_false_ignores_the_values() throws Exception {
        SecretSettings settings = SecretsConfigReader.read(yaml("secrets: {directory: /a, environment: true}"),
                Map.of("BATON_SECRETS_DIR", "/b", "BATON_SECRETS_ENVIRONMENT", "false", "BATON_SECRET_X", "v"), false);

        assertThat(settings.directory()).isEqualTo(Path.of("/b"));
        assertThat(settings.variables()).isEmpty();
        assertThat(SecretsConfigReader.read(yaml("{}"), Map.of(), false)).isEqualTo(SecretSettings.DEFAULT);
    }

    @Test
    void unknown_keys_and_bad_values_name_the_setting() {
        assertThatThrownBy(() -> SecretsConfigReader.read(yaml("secrets: {directroy: /a}"), Map.of(), false))
                .isInstanceOf(BatonException.class).hasMessageContaining("security.secrets")
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> SecretsConfigReader.read(yaml("secrets: {shared: maybe}"), Map.of(), false))
                .hasMessageContaining("security.secrets.shared");
        assertThatThrownBy(() -> SecretsConfigReader.read(yaml("{}"), Map.of("BATON_SECRETS_SHARED", "yes"), false))
                .hasMessageContaining("BATON_SECRETS_SHARED must be true or false");
    }

    @Test
    void installation_wide_secrets_are_not_shared_by_default_once_authentication_is_on() throws Exception {
        assertThat(SecretsConfigReader.read(yaml("{}"), Map.of(), false).shared()).isTrue();
        assertThat(SecretsConfigReader.read(yaml("{}"), Map.of(), true).shared()).isFalse();
        assertThat(SecretsConfigReader.read(yaml("secrets: {shared: true}"), Map.of(), true).shared()).isTrue();
        assertThat(SecretsConfigReader.read(yaml("{}"), Map.of("BATON_SECRETS_SHARED", "true"), true).shared())
                .isTrue();
        assertThat(SecretsConfigReader.read(yaml("secrets: {shared: false}"), Map.of(), false).shared()).isFalse();
    }

    @Test
    void with_authentication_on_and_defaults_another_tenant_cannot_use_an_installation_wide_secret(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("OPS_TOKEN"), "ops-value");
        SecurityConfig config = SecurityConfigReader.read(yaml("""
                auth: {enabled: true}
                secrets: {directory: "%s"}
                """.formatted(dir)), Map.of("BATON_SECRET_OPS_VAR", "var-value"));
        ConfiguredSecrets secrets = new ConfiguredSecrets(config.secrets(), config.systemTenant());

        assertThat(secrets.lookup("acme", "OPS_TOKEN")).isEmpty();
        assertThat(secrets.lookup("acme", "OPS_VAR")).isEmpty();
        assertThat(secrets.lookup(config.systemTenant(), "OPS_TOKEN")).contains("ops-value");
        assertThat(secrets.lookup(config.systemTenant(), "OPS_VAR")).contains("var-value");
    }
}
