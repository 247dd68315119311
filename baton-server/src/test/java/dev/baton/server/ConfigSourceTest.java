package dev.baton.server;

import dev.baton.core.error.BatonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigSourceTest {

    @Test
    void defaults_are_the_embedded_setup() {
        BatonConfig config = ConfigSource.load(null, Map.of());
        assertThat(config.store().type()).isEqualTo(BatonConfig.StoreType.H2);
        assertThat(config.store().url()).startsWith("jdbc:h2:file:").contains("/data/baton");
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().maxRequestSize()).isEqualTo(1024 * 1024);
        assertThat(config.ai().loadInBackground()).isTrue();
    }

    @Test
    void reads_a_yaml_file_and_lets_the_environment_win(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, """
                dataDir: %s
                store:
                  type: postgresql
                  url: jdbc:postgresql://db:5432/baton
                  user: baton
                  password: secret
                  poolSize: 16
                server:
                  port: 9090
                  maxRequestSize: 2MiB
                  maxWait: 1m30s
                engine:
                  maxConcurrentAttempts: 64
                  stepTypeLimits: {embed: 2}
                """.formatted(dir));
        BatonConfig config = ConfigSource.load(file, Map.of("BATON_PORT", "9191", "BATON_STORE_PASSWORD", "other"));
        assertThat(config.store().type()).isEqualTo(BatonConfig.StoreType.POSTGRESQL);
        assertThat(config.store().url()).isEqualTo("jdbc:postgresql://db:5432/baton");
        assertThat(config.store().password()).isEqualTo("other");
        assertThat(config.store().toString()).doesNotContain("other");
        assertThat(config.store().poolSize()).isEqualTo(16);
        assertThat(config.server().port()).isEqualTo(9191);
        assertThat(config.server().maxRequestSize()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.server().maxWait()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.engine().maxConcurrentAttempts()).isEqualTo(64);
        assertThat(config.engine().stepTypeLimits()).containsEntry("embed", 2);
    }

    @Test
    void a_store_url_alone_selects_the_store_type() {
        BatonConfig config = ConfigSource.load(null, Map.of("BATON_STORE_URL", "jdbc:postgresql://localhost/baton"));
        assertThat(config.store().type()).isEqualTo(BatonConfig.StoreType.POSTGRESQL);
        assertThat(ConfigSource.load(null, Map.of("BATON_STORE", "memory")).store().type())
                .isEqualTo(BatonConfig.StoreType.MEMORY);
    }

    @Test
    void unknown_settings_are_named_with_the_known_ones(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, "server:\n  prot: 80\n");
        assertThatThrownBy(() -> ConfigSource.load(file, Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("server.prot");
                    assertThat(e.getMessage()).contains("port");
                });
    }

    @Test
    void bad_values_name_the_setting() {
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("BATON_PORT", "eighty")))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("server.port"));
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("BATON_PORT", "70000")))
                .hasMessageContaining("server.port");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("BATON_STORE", "oracle")))
                .hasMessageContaining("store.type");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("BATON_MAX_REQUEST_SIZE", "lots")))
                .hasMessageContaining("server.maxRequestSize");
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("BATON_STORE_URL", "jdbc:mysql://x/y", "BATON_STORE", "postgresql")))
                .hasMessageContaining("store.url");
    }

    @Test
    void malformed_yaml_reports_line_and_column(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, "server:\n  port: [8080\n");
        assertThatThrownBy(() -> ConfigSource.load(file, Map.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.errors().getFirst().location().line()).isPositive());
    }

    @Test
    void durations_accept_units_combinations_and_iso() {
        assertThat(ConfigSource.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigSource.duration("x", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ConfigSource.duration("x", "PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> ConfigSource.duration("wait", "5 minutes")).hasMessageContaining("wait");
    }

    @Test
    void http_clients_come_from_the_file_or_the_environment_and_are_range_checked(@TempDir Path dir)
            throws IOException {
        Path file = Files.writeString(dir.resolve("baton.yaml"), "http:\n  clients: 3\n");

        assertThat(ConfigSource.load(null, Map.of()).http().clients()).isEqualTo(BatonConfig.Http.DEFAULT.clients());
        assertThat(ConfigSource.load(file, Map.of()).http().clients()).isEqualTo(3);
        assertThat(ConfigSource.load(file, Map.of("BATON_HTTP_CLIENTS", "16")).http().clients()).isEqualTo(16);
        assertThatThrownBy(() -> ConfigSource.load(null, Map.of("BATON_HTTP_CLIENTS", "0")))
                .isInstanceOf(BatonException.class).hasMessageContaining("http.clients");
    }
}
