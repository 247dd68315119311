package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code baton keys}: the first admin key made with {@code --local} in the configured H2 store, then a server with
 * authentication on over that store, managed through the keys API with {@code --api-key} or {@code BATON_API_KEY}.
 */
class KeysCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, """
                dataDir: %s
                store: {type: h2}
                ai: {enabled: false}
                security:
                  auth: {enabled: true}
                """.formatted(dir.resolve("data").toString().replace("\\", "/")));
        return file;
    }

    private static String secretOf(String out) {
        return out.lines().filter(line -> line.startsWith("bt_")).findFirst()
                .orElseThrow(() -> new AssertionError("no key printed: " + out));
    }

    @Test
    void the_first_admin_key_is_made_locally_then_keys_are_managed_over_the_api() throws Exception {
        Path config = config();
        CliHarness local = new CliHarness(new NodeBackend());

        CliHarness.Result created = local.run("keys", "create", "--local", "--config", config.toString(),
                "--name", "root", "--role", "admin");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("in tenant default").contains("roles admin").contains("not shown again");
        String root = secretOf(created.out());
        CliHarness.Result listed = local.run("keys", "list", "--local", "--config", config.toString());
        assertThat(listed.out()).contains("root").contains("active").contains(root.substring(0, 11))
                .doesNotContain(root.substring(12));

        BatonConfig loaded = ConfigSource.load(config, Map.of());
        try (BatonNode node = BatonNode.open(loaded);
             BatonServer server = BatonServer.start(node, "127.0.0.1", 0)) {
            String url = server.url().toString();
            CliHarness withEnv = new CliHarness(new NodeBackend(), Map.of("BATON_API_KEY", root));

            CliHarness.Result ci = withEnv.run("keys", "create", "--server", url, "--name", "ci",
                    "--role", "developer,viewer", "--expires-in", "30d", "--json");
            assertThat(ci.exitCode()).as(ci.err()).isZero();
            JsonNode ciKey = JSON.readTree(ci.out());
            assertThat(ciKey.get("roles").toString()).isEqualTo("[\"developer\",\"viewer\"]");
            assertThat(ciKey.get("expiresAt").isTextual()).isTrue();

            CliHarness.Result list = local.run("keys", "list", "--server", url, "--api-key", root);
            assertThat(list.out()).contains("root").contains("ci");

            CliHarness.Result workflows = local.run("workflows", "list", "--server", url, "--api-key",
                    ciKey.get("key").asText());
            assertThat(workflows.exitCode()).as(workflows.err()).isZero();

            CliHarness.Result anonymous = local.run("workflows", "list", "--server", url);
            assertThat(anonymous.exitCode()).isNotZero();
            assertThat(anonymous.err()).contains("401");

            CliHarness.Result revoked = withEnv.run("keys", "revoke", ciKey.get("id").asText(), "--server", url);
            assertThat(revoked.exitCode()).as(revoked.err()).isZero();
            assertThat(revoked.out()).contains("revoked API key " + ciKey.get("id").asText());
            assertThat(local.run("workflows", "list", "--server", url, "--api-key", ciKey.get("key").asText())
                    .err()).contains("revoked");
        }
    }

    @Test
    void local_needs_a_store_that_keeps_keys() throws Exception {
        Path file = dir.resolve("memory.yaml");
        Files.writeString(file, "store: {type: memory}\n");

        CliHarness.Result result = new CliHarness(new NodeBackend()).run("keys", "create", "--local",
                "--config", file.toString(), "--name", "x", "--role", "admin");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("--local").contains("memory");
    }

    @Test
    void a_bad_role_names_the_option() throws Exception {
        CliHarness.Result result = new CliHarness(new NodeBackend()).run("keys", "create", "--local",
                "--config", config().toString(), "--name", "x", "--role", "root");

        assertThat(result.exitCode()).isEqualTo(BatonCli.INVALID);
        assertThat(result.err()).contains("--role").contains("root");
    }
}
