package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfiguredSecretsTest {
    @TempDir
    Path dir;

    private ConfiguredSecrets secrets(boolean shared, Map<String, String> variables) {
        return new ConfiguredSecrets(new SecretSettings(dir, shared, variables), "default");
    }

    @Test
    void a_tenant_file_wins_over_the_installation_file_which_wins_over_the_variable() throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/TOKEN"), "acme-token\n");
        Files.writeString(dir.resolve("TOKEN"), "installation-token");
        Files.writeString(dir.resolve("ONLY_FILE"), "from-file\r\n");
        ConfiguredSecrets secrets = secrets(true, Map.of("TOKEN", "from-env", "ONLY_ENV", "env-value"));

        assertThat(secrets.lookup("acme", "TOKEN")).contains("acme-token");
        assertThat(secrets.lookup("globex", "TOKEN")).contains("installation-token");
        assertThat(secrets.lookup("globex", "ONLY_FILE")).contains("from-file");
        assertThat(secrets.lookup("globex", "ONLY_ENV")).contains("env-value");
        assertThat(secrets.lookup("globex", "MISSING")).isEmpty();
    }

    @Test
    void a_tenant_never_reads_another_tenants_secrets() throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/TOKEN"), "acme-token");
        ConfiguredSecrets secrets = secrets(true, Map.of());

        assertThat(secrets.lookup("globex", "TOKEN")).isEmpty();
        assertThat(secrets.lookup("globex", "acme")).isEmpty(); // a directory is not a secret
        assertThat(secrets.lookup("globex", "../acme/TOKEN")).isEmpty();
        assertThat(secrets.lookup("..", "TOKEN")).isEmpty();
    }

    @Test
    void unshared_installation_secrets_are_for_the_system_tenant_only() throws IOException {
        Files.writeString(dir.resolve("TOKEN"), "installation-token");
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/OWN"), "acme-own");
        ConfiguredSecrets secrets = secrets(false, Map.of("ENV", "env-value"));

        assertThat(secrets.lookup("acme", "TOKEN")).isEmpty();
        assertThat(secrets.lookup("acme", "ENV")).isEmpty();
        assertThat(secrets.lookup("acme", "OWN")).contains("acme-own");
        assertThat(secrets.lookup("default", "TOKEN")).contains("installation-token");
        assertThat(secrets.lookup("default", "ENV")).contains("env-value");
    }

    @Test
    void files_are_read_at_each_lookup_so_rotation_needs_no_restart() throws IOException {
        ConfiguredSecrets secrets = secrets(true, Map.of());
        Files.writeString(dir.resolve("TOKEN"), "first");
        assertThat(secrets.lookup("t", "TOKEN")).contains("first");

        Files.writeString(dir.resolve("TOKEN"), "second");

        assertThat(secrets.lookup("t", "TOKEN")).contains("second");
    }

    @Test
    void an_oversized_or_binary_file_fails_naming_the_secret_not_its_content() throws IOException {
        Files.write(dir.resolve("BIG"), new byte[ConfiguredSecrets.MAX_BYTES + 1]);
        Files.write(dir.resolve("BINARY"), new byte[] {(byte) 0xff, (byte) 0xfe});
        ConfiguredSecrets secrets = secrets(true, Map.of());

        assertThatThrownBy(() -> secrets.lookup("t", "BIG")).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("secret 'BIG'", "larger than 65536 bytes");
        });
        assertThatThrownBy(() -> secrets.lookup("t", "BINARY")).hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void a_missing_directory_is_refused_at_start() {
        assertThatThrownBy(() -> new ConfiguredSecrets(new SecretSettings(dir.resolve("nope"), true, Map.of()), "default"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("security.secrets.directory", "is not a directory");
                });
        assertThat(new ConfiguredSecrets(SecretSettings.DEFAULT, "default").lookup("default", "X"))
                .isEqualTo(Optional.empty());
    }
}
