package dev.baton.server;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.SecretRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigSourceTest {

    @Test
    void without_a_gateway_section_the_gateway_has_no_models_of_its_own() {
        assertThat(ConfigSource.load(null, Map.of()).gateway()).isEqualTo(GatewayConfig.EMPTY);
    }

    @Test
    void reads_the_gateway_section_of_baton_yaml(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, """
                server: {port: 9090}
                gateway:
                  models:
                    default:
                      deployments:
                        - {id: main, provider: openai, baseUrl: "https://api.openai.com/v1", model: gpt-4o-mini,
                           apiKey: env:OPENAI_API_KEY}
                  keys:
                    - {id: team-a, secret: env:TEAM_A_KEY}
                """);
        BatonConfig config = ConfigSource.load(file, Map.of());
        assertThat(config.gateway().models()).containsOnlyKeys("default");
        assertThat(config.gateway().models().get("default").deployments().getFirst().apiKey())
                .isEqualTo(new SecretRef("env", "OPENAI_API_KEY"));
        assertThat(config.gateway().keys()).extracting(k -> k.id()).containsExactly("team-a");
        assertThat(config.server().port()).isEqualTo(9090);
    }

    @Test
    void a_gateway_error_names_the_file_and_the_exact_path(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, """
                gateway:
                  models:
                    default:
                      deployments:
                        - {id: main, provider: openai, baseUrl: "http://h/v1", model: m, wieght: 2}
                """);
        assertThatThrownBy(() -> ConfigSource.load(file, Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.default.deployments[0].wieght");
                    assertThat(e.getMessage()).startsWith(file.toString()).contains("did you mean 'weight'?");
                });
    }

    @Test
    void BATON_GATEWAY_FILE_replaces_the_section_of_the_main_file(@TempDir Path dir) throws IOException {
        Path main = dir.resolve("baton.yaml");
        Files.writeString(main, """
                gateway:
                  models:
                    old: {deployments: [{id: o, provider: openai, baseUrl: "http://h/v1", model: m}]}
                """);
        Path gateway = dir.resolve("gateway.yaml");
        Files.writeString(gateway, """
                models:
                  fast: {strategy: priority, deployments: [{id: f, provider: anthropic, baseUrl: "http://a", model: c}]}
                """);
        BatonConfig config = ConfigSource.load(main, Map.of("BATON_GATEWAY_FILE", gateway.toString()));
        assertThat(config.gateway().models()).containsOnlyKeys("fast");

        Files.writeString(gateway, "models: {fast: {deployments: [{id: f, provider: openai, model: c}]}}\n");
        assertThatThrownBy(() -> ConfigSource.load(main, Map.of("BATON_GATEWAY_FILE", gateway.toString())))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("gateway.models.fast.deployments[0].baseUrl");
                    assertThat(e.getMessage()).contains("BATON_GATEWAY_FILE");
                });
    }
}
