package dev.baton.server.durability;

import dev.baton.server.api.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to a real {@code baton server} process: readiness answers 503 {@code draining} while its runs finish,
 * new runs are refused with 503 and {@code Retry-After}, the process exits once the runs are done, and the runs
 * it was executing finished before it exited (they are not left to resume at the next start).
 */
class GracefulShutdownTest {
    @TempDir
    Path dir;
    private final List<ChildProcess> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(ChildProcess::close);
    }

    private ChildProcess launch(String name) throws Exception {
        ChildProcess child = ChildProcess.launch(dir, name, Map.of("BATON_DATA_DIR", dir.toString(),
                "BATON_STORE", "h2", "BATON_AI_ENABLED", "false", "BATON_CLUSTER_DRAIN_TIMEOUT", "60s",
                "BATON_NODE_ID", name));
        children.add(child);
        return child;
    }

    @Test
    void sigterm_drains_the_node_before_it_exits() throws Exception {
        ChildProcess node = launch("drained");
        ApiClient api = new ApiClient(node.awaitListening());
        assertThat(api.post("/workflows", "application/yaml", """
                id: nap
                steps:
                  nap: {uses: sleep, with: {duration: "2s"}}
                """).status()).isEqualTo(201);
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(api.postJson("/workflows/nap/runs", "{}").json().get("id").asText());
        }

        node.terminate();
        ApiClient.Response ready = awaitDraining(api);
        var refused = api.postJson("/workflows/nap/runs", "{}");
        int exit = node.awaitExit(Duration.ofSeconds(60));

        assertThat(ready.json().get("status").asText()).as(node.logTail(40)).isEqualTo("draining");
        assertThat(ready.json().get("node").asText()).isEqualTo("drained");
        assertThat(refused.status()).as(refused.text()).isEqualTo(503);
        assertThat(refused.json().get("code").asText()).isEqualTo("not-ready");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(exit).as("exited after SIGTERM (128 + 15)\n" + node.logTail(40)).isEqualTo(143);
        assertThat(node.log()).contains("node drained drained in");

        ChildProcess again = launch("after");
        ApiClient next = new ApiClient(again.awaitListening());
        for (String run : runs) {
            assertThat(next.get("/runs/" + run).json().get("status").asText())
                    .as("finished while draining, not resumed").isEqualTo("succeeded");
        }
        assertThat(again.log()).doesNotContain("resumed");
    }

    /** Polls readiness until it says draining (the SIGTERM reached the hook), or fails after 30 s. */
    private static ApiClient.Response awaitDraining(ApiClient api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ApiClient.Response ready = api.get("/health/ready");
        while (ready.status() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            ready = api.get("/health/ready");
        }
        assertThat(ready.status()).isEqualTo(503);
        return ready;
    }
}
