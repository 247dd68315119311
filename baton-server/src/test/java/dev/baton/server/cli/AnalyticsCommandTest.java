package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** {@code baton analytics ...} against a real node served over HTTP on 127.0.0.1, after two runs of a workflow. */
class AnalyticsCommandTest {
    private static BatonNode node;
    private static BatonServer server;
    private static String url;
    private final CliHarness cli = CliHarness.clientOnly();

    @BeforeAll
    static void start() {
        node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));
        server = BatonServer.start(node, "127.0.0.1", 0);
        url = server.url().toString();
        ApiClient api = new ApiClient(server.url());
        assertThat(api.post("/workflows", "application/yaml", """
                id: hello
                steps:
                  greet: {uses: transform, with: {value: hi}}
                """).status()).isEqualTo(201);
        for (int i = 0; i < 2; i++) {
            assertThat(api.postJson("/workflows/hello/runs?wait=20s", "{}").json().get("status").asText())
                    .isEqualTo("succeeded");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
    }

    @Test
    void workflows_prints_a_table_row_per_workflow() {
        CliHarness.Result result = cli.run("analytics", "workflows", "--server", url, "--from", "1h");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("window ").contains("WORKFLOW").contains("SUCCESS");
        String row = result.out().lines().filter(line -> line.startsWith("hello")).findFirst().orElseThrow();
        assertThat(row.split("\\s+")).startsWith("hello", "2", "2", "0", "100.0%");
    }

    @Test
    void workflow_prints_the_summary_and_a_row_per_step() {
        CliHarness.Result result = cli.run("analytics", "workflow", "hello", "--server", url);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("workflow hello: 2 runs, success 100.0%");
        String row = result.out().lines().filter(line -> line.startsWith("greet")).findFirst().orElseThrow();
        assertThat(row.split("\\s+")).startsWith("greet", "2", "2", "0", "0", "0");
    }

    @Test
    void json_prints_the_servers_answer() throws Exception {
        CliHarness.Result result = cli.run("analytics", "workflows", "--server", url, "--json");

        JsonNode answer = new ObjectMapper().readTree(result.out());
        assertThat(answer.get("items").get(0).get("runs").asLong()).isEqualTo(2);
    }

    @Test
    void models_and_keys_without_gateway_calls_say_so_and_keys_count_the_runs() {
        CliHarness.Result models = cli.run("analytics", "models", "--server", url, "--group-by", "deployment");
        CliHarness.Result keys = cli.run("analytics", "keys", "--server", url);

        assertThat(models.exitCode()).as(models.err()).isZero();
        assertThat(models.out()).contains("no gateway calls in the window");
        assertThat(keys.out()).contains("runs of tenant default: 2, succeeded 2");
    }

    @Test
    void a_bad_window_exits_2_with_the_servers_problem() {
        CliHarness.Result result = cli.run("analytics", "workflows", "--server", url, "--from", "yesterday");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("from").contains("HTTP 400");
    }
}
