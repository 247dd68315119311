package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.ObservabilityConfig;
import dev.baton.observability.SystemSettings;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host monitoring and alerts over real HTTP on a real node with the real OSHI probe. The disk rule is tuned to
 * fire at once (threshold 0%, for 0s) and the run error rate rule after one failed run, so that firing alerts
 * can be seen without loading the host.
 */
class SystemAlertsApiTest {
    private static final String DIVIDE = """
            id: divide-for-alerts
            inputs: {type: object, required: [d], properties: {d: {type: string}}}
            steps:
              divide: {uses: transform, with: {value: "{{ 12 / int(inputs.d) }}"}}
            outputs: {quotient: "{{ steps.divide.output }}"}
            """;

    private static BatonNode node;
    private static BatonServer server;
    private static ApiClient api;

    @BeforeAll
    static void open() throws Exception {
        AlertSettings d = AlertSettings.DEFAULT;
        AlertSettings alerts = new AlertSettings(true, d.cpu(), d.memory(),
                new AlertSettings.UsageRule(true, 0, Duration.ZERO),
                new AlertSettings.ErrorRateRule(true, 5, Duration.ofMinutes(10), 1, Duration.ZERO),
                d.deploymentUnhealthy(), d.queueWait(), 50, null);
        ObservabilityConfig observability = new ObservabilityConfig(ObservabilityConfig.DEFAULT.metrics(),
                ObservabilityConfig.DEFAULT.tracing(), ObservabilityConfig.DEFAULT.logs(),
                new SystemSettings(true, Duration.ofSeconds(10), Duration.ofMinutes(30)), alerts);
        node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED).withObservability(observability));
        node.monitoring().started().get(60, TimeUnit.SECONDS); // the first sample is taken in the background
        server = BatonServer.start(node, "127.0.0.1", 0);
        api = new ApiClient(server.url());
    }

    @AfterAll
    static void close() {
        server.close();
        node.close();
    }

    @Test
    void system_shows_the_latest_sample_and_a_summary_of_every_metric() {
        var response = api.get("/system");

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("enabled").asBoolean()).isTrue();
        assertThat(body.get("interval").asText()).isEqualTo("10s");
        assertThat(body.get("history").asText()).isEqualTo("30m");
        JsonNode latest = body.get("latest");
        assertThat(latest.get("at").asText()).isNotEmpty();
        JsonNode cpu = latest.get("cpuHost"); // null when no CPU tick elapsed since the previous reading
        assertThat(cpu.isNull() || cpu.isNumber() && cpu.asDouble() >= 0 && cpu.asDouble() <= 1)
                .as("cpuHost %s", cpu).isTrue();
        assertThat(latest.get("memoryTotalBytes").asLong()).isPositive();
        assertThat(latest.get("diskUsed").asDouble()).isBetween(0.0, 1.0);
        assertThat(latest.get("heapUsedBytes").asLong()).isPositive();
        assertThat(latest.get("threads").asInt()).isPositive();
        assertThat(latest.has("networkReceivedBytesPerSecond")).isTrue();
        JsonNode summary = body.get("summary");
        assertThat(summary.get("window").asText()).isEqualTo("15m");
        assertThat(summary.get("samples").asInt()).isPositive();
        List<String> metrics = new ArrayList<>();
        summary.get("metrics").fieldNames().forEachRemaining(metrics::add);
        assertThat(metrics).containsExactly("cpuHost", "cpuProcess", "memoryUsed", "diskUsed", "networkReceived",
                "networkSent", "heapUsed", "gcTime", "threads");
        JsonNode heap = summary.at("/metrics/heapUsed");
        assertThat(heap.get("unit").asText()).isEqualTo("bytes");
        assertThat(heap.get("max").isIntegralNumber()).isTrue();
        assertThat(heap.get("min").asDouble()).isLessThanOrEqualTo(heap.get("p95").asDouble());
        assertThat(heap.get("p95").asDouble()).isLessThanOrEqualTo(heap.get("max").asDouble());
        assertThat(api.get("/system?window=5m").json().at("/summary/window").asText()).isEqualTo("5m");
    }

    @Test
    void history_lists_the_samples_of_the_window() {
        JsonNode body = api.get("/system/history?window=30m").json();

        assertThat(body.get("window").asText()).isEqualTo("30m");
        assertThat(body.get("items")).isNotEmpty();
        assertThat(body.get("items").get(0).get("memoryUsed").asDouble()).isBetween(0.0, 1.0);
        assertThat(body.get("limit").asInt()).isEqualTo(1_000);
        assertThat(body.get("samples").asInt()).isEqualTo(body.get("items").size());

        JsonNode one = api.get("/system/history?window=30m&limit=1").json();
        assertThat(one.get("items")).hasSize(1);
        assertThat(one.get("limit").asInt()).isEqualTo(1);
    }

    @Test
    void a_bad_window_or_an_unknown_parameter_is_a_400_problem_naming_it() {
        for (String query : List.of("/system?window=soon", "/system?window=0s", "/system/history?window=2h",
                "/system?windw=5m", "/alerts?state=pending", "/system/history?limit=0",
                "/system/history?limit=many", "/system/history?limit=10001", "/system?limit=5")) {
            var response = api.get(query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("code").asText()).isEqualTo("invalid-input");
            assertThat(response.json().at("/errors/0/field").asText()).as(query)
                    .isIn("window", "windw", "state", "limit");
        }
        assertThat(api.get("/system/history?window=2h").json().get("detail").asText()).contains("30m");
    }

    @Test
    void a_rule_that_holds_shows_a_firing_alert_with_a_recommendation() {
        JsonNode items = api.get("/alerts?state=firing").json().get("items");

        JsonNode disk = null;
        for (JsonNode item : items) {
            if (item.get("rule").asText().equals("disk")) {
                disk = item;
            }
        }
        assertThat(disk).as("a firing disk alert in %s", items).isNotNull();
        assertThat(disk.get("state").asText()).isEqualTo("firing");
        assertThat(disk.get("subject").asText()).isEqualTo("host");
        assertThat(disk.get("unit").asText()).isEqualTo("percent");
        assertThat(disk.get("threshold").asDouble()).isZero();
        assertThat(disk.get("value").asDouble()).isPositive();
        assertThat(disk.get("resolvedAt").isNull()).isTrue();
        assertThat(disk.get("recommendation").asText()).contains("dataDir");
        for (JsonNode item : api.get("/alerts?state=resolved").json().get("items")) {
            assertThat(item.get("state").asText()).isEqualTo("resolved");
        }
    }

    @Test
    void a_failed_run_seen_by_the_engine_observer_fires_the_run_error_rate_alert() {
        assertThat(api.post("/workflows", "application/yaml", DIVIDE).status()).isEqualTo(201);
        var run = api.postJson("/workflows/divide-for-alerts/runs?wait=30s", "{\"inputs\": {\"d\": \"0\"}}");
        assertThat(run.json().get("status").asText()).isEqualTo("failed");

        JsonNode items = api.get("/alerts").json().get("items");

        assertThat(items.findValuesAsText("rule")).contains("runErrorRate");
        for (JsonNode item : items) {
            if (item.get("rule").asText().equals("runErrorRate")) {
                assertThat(item.get("value").asDouble()).isEqualTo(100.0);
                assertThat(item.get("summary").asText()).contains("1 of 1 runs");
            }
        }
    }

    @Test
    void rules_lists_the_rules_in_force() {
        JsonNode body = api.get("/alerts/rules").json();

        assertThat(body.get("enabled").asBoolean()).isTrue();
        assertThat(body.get("webhook").asBoolean()).isFalse();
        assertThat(body.get("items").findValuesAsText("name")).containsExactly("cpu", "memory", "disk",
                "runErrorRate", "queueWait", "deploymentUnhealthy");
        assertThat(body.get("items").get(0).get("condition").asText()).isEqualTo("host CPU busy > 80.0% for 5m");
        assertThat(body.get("items").get(0).get("forSeconds").asDouble()).isEqualTo(300.0);
    }

    @Test
    void with_host_monitoring_off_system_says_so_and_the_host_rules_are_left_out() {
        ObservabilityConfig off = new ObservabilityConfig(ObservabilityConfig.DEFAULT.metrics(),
                ObservabilityConfig.DEFAULT.tracing(), ObservabilityConfig.DEFAULT.logs(),
                new SystemSettings(false, Duration.ofSeconds(10), Duration.ofHours(1)), AlertSettings.DEFAULT);
        try (BatonNode quiet = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withObservability(off));
             BatonServer quietServer = BatonServer.start(quiet, "127.0.0.1", 0)) {
            ApiClient client = new ApiClient(quietServer.url());

            JsonNode system = client.get("/system").json();
            assertThat(system.get("enabled").asBoolean()).isFalse();
            assertThat(system.get("latest").isNull()).isTrue();
            assertThat(client.get("/system/history").json().get("items")).isEmpty();
            assertThat(client.get("/alerts/rules").json().get("items").findValuesAsText("name"))
                    .containsExactly("runErrorRate", "queueWait", "deploymentUnhealthy");
            assertThat(client.get("/alerts").json().get("items")).isEmpty();
        }
    }
}
