package dev.baton.server.cluster;

import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.server.api.ApiClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes on one PostgreSQL serve {@code /v1} with one gateway configuration: the anonymous callers' limit of
 * 1 request per minute holds for the three together (the buckets live in the database), and a client's
 * {@code Idempotency-Key} reaches the upstream.
 */
class ClusterGatewayTest {
    @TempDir
    static Path dir;
    private static EmbeddedPostgres postgres;
    private static FakeOpenAiServer upstream;
    private static final List<ClusterNode> NODES = new ArrayList<>();

    @BeforeAll
    static void start() {
        postgres = ClusterNode.startPostgres();
        upstream = new FakeOpenAiServer();
        var alias = new ModelAlias("gpt", ModelKind.CHAT, Strategy.PRIORITY,
                List.of(Deployment.of("fake", "openai", upstream.baseUrl(), "gpt-fake")), List.of());
        // one request per minute for every caller without a key: refills one request a minute, far slower than
        // the test, so the count admitted cannot drift
        var gateway = new GatewayConfig(Map.of("gpt", alias), List.of(), new RateLimits(1, 0), Budget.NONE,
                RetrySettings.DEFAULT, CacheSettings.DEFAULT, HealthSettings.DEFAULT);
        for (String id : List.of("node-a", "node-b", "node-c")) {
            NODES.add(ClusterNode.open(ClusterNode.config(postgres, dir.resolve(id), id),
                    config -> config.withGateway(gateway)));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ClusterNode node : NODES) {
            node.close();
        }
        upstream.close();
        postgres.close();
    }

    private static ApiClient.Response chat(ClusterNode node, String text, Map<String, String> headers) {
        URI uri = URI.create(node.server().url() + "/v1/chat/completions");
        String body = "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]}";
        return node.api().send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    @Test
    void a_rate_limit_holds_for_the_cluster_and_the_client_idempotency_key_reaches_the_upstream() {
        List<ApiClient.Response> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(chat(NODES.get(i % 3), "call " + i, Map.of("Idempotency-Key", "client-key-" + i)));
        }

        assertThat(responses).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(responses).filteredOn(r -> r.status() == 429).hasSize(5).allSatisfy(r -> {
            assertThat(r.header("Retry-After")).isNotNull();
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
        });
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(upstream.lastRequest().header("Idempotency-Key")).matches("client-key-0/[0-9a-f]{16}");
    }
}
