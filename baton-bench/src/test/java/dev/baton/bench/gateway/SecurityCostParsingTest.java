package dev.baton.bench.gateway;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecurityCostParsingTest {

    @Test
    void reads_the_secret_from_the_json_answer_of_keys_create_after_log_lines() {
        String output = """
                10:01:02.345 INFO  o.f.core.FlywayExecutor - Database: jdbc:h2:file:/tmp/x/data/baton (H2 2.3)
                {"note": "not the answer"}
                {"id":"01JABC","prefix":"bt_Ab3dE9xQ","tenant":"default","roles":["admin"],"key":"bt_Ab3dE9xQ_s3cr3t"}
                """;

        assertThat(LocalAdminKey.secret(output)).isEqualTo("bt_Ab3dE9xQ_s3cr3t");
    }

    @Test
    void refuses_output_without_a_key_naming_what_was_printed() {
        assertThatThrownBy(() -> LocalAdminKey.secret("error: the store is locked\n{\"key\": \"\"}\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no API key")
                .hasMessageContaining("the store is locked");
    }

    @Test
    void hey_command_sends_each_header_and_a_json_post_body() {
        List<String> command = Hey.command(Path.of("/usr/bin/hey"), URI.create("http://127.0.0.1:1/api/v1/x"),
                Path.of("start.json"), List.of("Authorization: Bearer bt_a_b"), 10, 10, Duration.ofSeconds(15));

        assertThat(command).containsExactly("/usr/bin/hey", "-z", "15s", "-c", "10", "-q", "10", "-m", "POST", "-T",
                "application/json", "-H", "Authorization: Bearer bt_a_b", "-D", "start.json",
                "http://127.0.0.1:1/api/v1/x");
    }

    @Test
    void hey_command_without_a_body_is_a_get() {
        List<String> command = Hey.command(Path.of("hey"), URI.create("http://127.0.0.1:1/r"), null, List.of(), 50,
                10, Duration.ofSeconds(20));

        assertThat(command).containsExactly("hey", "-z", "20s", "-c", "50", "-q", "10", "http://127.0.0.1:1/r");
    }
}
