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

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code baton audit} against a real node served over HTTP on 127.0.0.1 (auth off: the caller is local). */
class AuditCommandTest {
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
        assertThat(api.postJson("/workflows/hello/runs", "{}").status()).isEqualTo(202);
        assertThat(api.postJson("/runs/missing/cancel", "{}").status()).isEqualTo(404);
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
    }

    @Test
    void prints_the_entries_newest_first_as_a_table() {
        CliHarness.Result result = cli.run("audit", "--server", url);

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines.getFirst().split("\\s+")).containsExactly("AT", "ACTOR", "ACTION", "TARGET", "OUTCOME",
                "STATUS", "FROM");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1).split("\\s+")).endsWith("local", "run.cancel", "run/missing", "failed", "404",
                "127.0.0.1");
        assertThat(lines.get(2)).contains("run.start").contains("run/").contains("success");
        assertThat(lines.get(3).split("\\s+")).endsWith("local", "workflow.register", "workflow/hello", "success",
                "201", "127.0.0.1");
    }

    @Test
    void filters_and_pages_with_the_servers_parameters() {
        CliHarness.Result first = cli.run("audit", "--server", url, "--action", "run", "--since", "1h", "--limit", "1");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("run.cancel").doesNotContain("run.start").doesNotContain("workflow.");
        String hint = first.out().lines().filter(line -> line.startsWith("more: ")).findFirst().orElseThrow();
        String cursor = hint.split("\\s+")[4];

        CliHarness.Result second = cli.run("audit", "--server", url, "--action", "run", "--limit", "1",
                "--cursor", cursor);
        assertThat(second.out()).contains("run.start").doesNotContain("run.cancel").doesNotContain("more: ");
    }

    @Test
    void json_prints_the_servers_answer() throws Exception {
        CliHarness.Result result = cli.run("audit", "--server", url, "--json", "--action", "workflow.register");

        JsonNode answer = new ObjectMapper().readTree(result.out());
        assertThat(answer.get("items")).hasSize(1);
        assertThat(answer.get("items").get(0).get("target").asText()).isEqualTo("workflow/hello");
        assertThat(answer.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void a_bad_filter_exits_2_with_the_servers_problem() {
        CliHarness.Result result = cli.run("audit", "--server", url, "--limit", "0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("limit").contains("HTTP 400");
    }
}
