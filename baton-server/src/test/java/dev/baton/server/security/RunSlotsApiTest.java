package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code maxConcurrentRuns} quotas over real HTTP where they meet idempotency, retries and short runs: a
 * replayed start is answered at the limit, retry's 404/409 come before a refusal, and a run that ends at once
 * leaves no slot behind. Each test uses tenants of its own.
 */
class RunSlotsApiTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SLEEP = """
            id: sleep
            steps:
              wait: {uses: sleep, with: {duration: 10m}}
            """;
    private static final String QUICK = """
            id: quick
            steps:
              only: {uses: transform, with: {value: 42}}
            """;

    private static SecureNode node;

    @BeforeAll
    static void start() throws IOException {
        QuotaSettings quotas = QuotaConfigReader.read(YAML.readTree("""
                tenants:
                  quick: {quotas: {maxConcurrentRuns: 1}}
                  replay: {quotas: {maxConcurrentRuns: 2}}
                """), Map.of());
        node = new SecureNode(config -> {
            SecurityConfig s = config.security();
            return config.withSecurity(new SecurityConfig(s.systemTenant(), s.auth(), quotas, s.egress(),
                    s.secrets()));
        });
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static void register(String key, String workflow) {
        SecureNode.Response registered = node.send("POST", "/api/v1/workflows", key, workflow,
                Map.of("Content-Type", "application/yaml"));
        assertThat(registered.status()).as(registered.body()).isIn(200, 201);
    }

    private static SecureNode.Response post(String path, String key, String body, String idempotencyKey) {
        return node.send("POST", path, key, body, Map.of("Idempotency-Key", idempotencyKey));
    }

    @Test
    void a_replayed_start_of_a_running_run_is_answered_at_the_keys_limit() {
        String limited = node.key("replay-key", new Quotas(0, 0, 1, 0, 0, 0, 0), Role.DEVELOPER);
        register(limited, SLEEP);
        SecureNode.Response first = post("/api/v1/workflows/sleep/runs", limited, "{}", "a");
        assertThat(first.status()).as(first.body()).isEqualTo(202);

        SecureNode.Response replayed = post("/api/v1/workflows/sleep/runs", limited, "{}", "a");

        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(replayed.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(post("/api/v1/workflows/sleep/runs", limited, "{}", "b").status()).isEqualTo(429);
    }

    @Test
    void a_replayed_batch_is_answered_at_the_tenants_limit_and_retry_answers_404_and_409_before_429() {
        String developer = node.key("replay", Role.DEVELOPER, Role.OPERATOR);
        register(developer, SLEEP);
        SecureNode.Response batch = post("/api/v1/workflows/sleep/runs/batch", developer, "{\"inputs\": [{}, {}]}",
                "both");
        assertThat(batch.status()).as(batch.body()).isEqualTo(202);

        SecureNode.Response replayed = post("/api/v1/workflows/sleep/runs/batch", developer,
                "{\"inputs\": [{}, {}]}", "both");

        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(ids(replayed.json())).isEqualTo(ids(batch.json()));
        String running = batch.json().path("items").get(0).path("id").asText();
        SecureNode.Response busy = node.post("/api/v1/runs/" + running + "/retry", developer, "{}");
        assertThat(busy.status()).as(busy.body()).isEqualTo(409);
        SecureNode.Response unknown = node.post("/api/v1/runs/no-such-run/retry", developer, "{}");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(node.post("/api/v1/workflows/sleep/runs", developer, "{}").status()).isEqualTo(429);
    }

    private static String ids(JsonNode batch) {
        StringBuilder ids = new StringBuilder();
        batch.path("items").forEach(item -> ids.append(item.path("id").asText()).append(' '));
        return ids.toString();
    }

    @Test
    void runs_that_end_at_once_free_their_slot_so_the_next_start_needs_no_reclaim() throws InterruptedException {
        String developer = node.key("quick", Role.DEVELOPER);
        register(developer, QUICK);
        RunQuotas runQuotas = node.node().quotas().runs();

        for (int i = 0; i < 5; i++) {
            SecureNode.Response done = node.post("/api/v1/workflows/quick/runs?wait=20s", developer, "{}");
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            assertThat(done.json().path("status").asText()).isEqualTo("succeeded");
            // every run has finished: the slot table must be empty before the next start (which would otherwise
            // get in only by reclaiming the leaked slot of a scope found full)
            awaitNoSlots(runQuotas, "tenant/quick");
            assertThat(runQuotas.slots().slots("tenant/quick")).as("after run " + i).isEmpty();
        }
    }

    private static void awaitNoSlots(RunQuotas quotas, String scope) throws InterruptedException {
        for (int i = 0; i < 400 && !quotas.slots().slots(scope).isEmpty(); i++) {
            Thread.sleep(5); // the observer releases on a thread of its own once the end is stored
        }
    }
}
