package dev.baton.server.metrics;

import dev.baton.server.TestEgress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.observability.MetricsSettings;
import dev.baton.observability.ObservabilityConfig;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.NodeStartup;
import dev.baton.server.api.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} of a real node over real HTTP, after a workflow run whose {@code llm.chat} step goes through
 * the gateway, and direct {@code /v1} calls (a miss, a cache hit, a stream) to a fake OpenAI-compatible upstream.
 */
class MetricsApiTest {
    static final String WORKFLOW = """
            id: metrics-e2e
            inputs: {type: object, properties: {name: {type: string}}, required: [name]}
            steps:
              ask: {uses: llm.chat, with: {model: fast, prompt: "metrics for {{ inputs.name }}"}}
              shape: {uses: transform, with: {value: "{{ steps.ask.output.text }}"}}
            outputs: {text: "{{ steps.shape.output }}"}
            """;

    private static FakeOpenAiServer upstream;
    private static BatonNode node;
    private static BatonServer server;
    static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAiServer();
        var gateway = GatewayConfigReader.read(new ObjectMapper(new YAMLFactory()).readTree("""
                models:
                  fast:
                    deployments:
                      - {id: fake-1, provider: openai, baseUrl: "%s", model: gpt-fake, pricing: {input: 1.0, output: 2.0}}
                retry: {maxAttempts: 1}
                """.formatted(upstream.baseUrl())));
        node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED).withGateway(gateway)
                .withEgress(TestEgress.LOOPBACK));
        server = BatonServer.start(node, "127.0.0.1", 0);
        api = new ApiClient(server.url());
        traffic();
    }

    @AfterAll
    static void stop() {
        server.close();
        node.close();
        upstream.close();
    }

    /** GET of a path from the node's root. */
    static ApiClient.Response get(String path, Map<String, String> headers) {
        return api.send(HttpRequest.newBuilder(server.url().resolve(path)).GET(), headers);
    }

    private static ApiClient.Response post(String path, String contentType, String body) {
        return api.send(HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), Map.of());
    }

    /** One run through the gateway, a chat, the same chat again (a cache hit) and a streamed chat. */
    private static void traffic() {
        var registered = post("/api/v1/workflows", "application/yaml", WORKFLOW);
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        var run = post("/api/v1/workflows/metrics-e2e/runs?wait=60s", "application/json", "{\"inputs\": {\"name\": \"ada\"}}");
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        assertThat(run.json().get("status").asText()).isEqualTo("succeeded");
        String chat = "{\"model\": \"fast\", \"messages\": [{\"role\": \"user\", \"content\": \"count me\"}]}";
        assertThat(post("/v1/chat/completions", "application/json", chat).header("x-baton-cache")).isEqualTo("miss");
        assertThat(post("/v1/chat/completions", "application/json", chat).header("x-baton-cache")).isEqualTo("hit");
        var stream = post("/v1/chat/completions", "application/json", "{\"model\": \"fast\", \"stream\": true, \"messages\": "
                + "[{\"role\": \"user\", \"content\": \"stream me\"}]}");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.text()).contains("[DONE]");
    }

    /**
     * Scrapes until {@code ready} holds (the engine tells its observers right after journaling, so the last run's
     * finish may be a moment behind the API's answer), at most 10 s.
     */
    static Exposition scrapeUntil(Predicate<Exposition> ready) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            var response = get("/metrics", Map.of());
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            Exposition scraped = Exposition.parse(response.text());
            if (ready.test(scraped) || Instant.now().isAfter(deadline)) {
                return scraped;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return scraped;
            }
        }
    }

    private static Exposition scrapeAfterTheRun() {
        return scrapeUntil(s -> s.value("baton_runs_finished_total", "workflow", "metrics-e2e", "status",
                "succeeded") != null);
    }

    @Test
    void serves_the_prometheus_text_format() {
        var response = get("/metrics", Map.of());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(response.text()).contains("# TYPE baton_runs_started_total counter",
                "# TYPE baton_run_duration_seconds histogram");
    }

    @Test
    void serves_openmetrics_when_the_scraper_asks_for_it() {
        var response = get("/metrics", Map.of("Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/openmetrics-text");
        assertThat(response.text().strip()).endsWith("# EOF");
    }

    @Test
    void counts_the_run_and_its_step_attempts() {
        Exposition s = scrapeAfterTheRun();

        assertThat(s.value("baton_runs_started_total", "workflow", "metrics-e2e")).isEqualTo(1.0);
        assertThat(s.value("baton_runs_finished_total", "workflow", "metrics-e2e", "status", "succeeded"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_run_duration_seconds_count", "workflow", "metrics-e2e", "status", "succeeded"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_run_queue_wait_seconds_count")).isGreaterThanOrEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "llm.chat", "outcome", "succeeded"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_attempts_total", "step_type", "transform", "outcome", "succeeded"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_step_attempt_duration_seconds_count", "step_type", "llm.chat", "outcome",
                "succeeded")).isEqualTo(1.0);
        assertThat(s.value("baton_step_retries_total", "step_type", "llm.chat")).isEqualTo(0.0);
        assertThat(s.value("baton_runs_in_flight")).isEqualTo(0.0);
        assertThat(s.value("baton_runs_queued")).isEqualTo(0.0);
        assertThat(s.value("baton_step_attempts_waiting")).isEqualTo(0.0);
    }

    @Test
    void counts_gateway_calls_tokens_cost_and_the_cache() {
        Exposition s = scrapeAfterTheRun();

        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "fake-1", "operation",
                "chat", "outcome", "success")).as("the step's call and the first API call").isEqualTo(2.0);
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "cache", "operation",
                "chat", "outcome", "success")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "fake-1", "operation",
                "chat.stream", "outcome", "success")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_request_duration_seconds_count", "model", "fast", "deployment", "fake-1",
                "operation", "chat")).isEqualTo(2.0);
        assertThat(s.value("baton_gateway_time_to_first_token_seconds_count", "model", "fast", "deployment",
                "fake-1")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_tokens_total", "model", "fast", "deployment", "fake-1", "type", "input"))
                .isPositive();
        assertThat(s.value("baton_gateway_tokens_total", "model", "fast", "deployment", "fake-1", "type", "output"))
                .isPositive();
        assertThat(s.value("baton_gateway_cost_usd_total", "model", "fast", "deployment", "fake-1")).isPositive();
        assertThat(s.value("baton_gateway_cache_requests_total", "result", "hit")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_cache_requests_total", "result", "miss")).isGreaterThanOrEqualTo(2.0);
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "fake-1", "state", "closed")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "fake-1", "state", "open")).isEqualTo(0.0);
        assertThat(s.value("baton_gateway_in_flight", "deployment", "fake-1")).isEqualTo(0.0);
        assertThat(s.value("baton_gateway_deployment_healthy", "deployment", "fake-1")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_rate_limited_total", "scope", "key")).isEqualTo(0.0);
        assertThat(s.value("baton_gateway_usage_records_dropped_total")).isEqualTo(0.0);
    }

    @Test
    void exports_jvm_and_process_metrics() {
        Exposition s = scrapeAfterTheRun();

        assertThat(s.has("jvm_memory_used_bytes")).isTrue();
        assertThat(s.has("jvm_threads_live_threads")).isTrue();
        assertThat(s.has("jvm_classes_loaded_classes")).isTrue();
        assertThat(s.has("system_cpu_count")).isTrue();
        assertThat(s.value("process_uptime_seconds")).isPositive();
    }

    @Test
    void a_node_with_metrics_disabled_answers_404_problem() {
        BatonConfig config = BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED)
                .withObservability(new ObservabilityConfig(new MetricsSettings(false, 200),
                        ObservabilityConfig.DEFAULT.tracing(), ObservabilityConfig.DEFAULT.logs(),
                        ObservabilityConfig.DEFAULT.system(), ObservabilityConfig.DEFAULT.alerts()));
        try (BatonNode off = BatonNode.open(config); BatonServer offServer = BatonServer.start(off, "127.0.0.1", 0)) {
            var response = new ApiClient(offServer.url()).send(HttpRequest.newBuilder(offServer.url().resolve("/metrics")).GET(), Map.of());

            assertThat(off.metrics()).isEmpty();
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("code").asText()).isEqualTo("not-found");
            assertThat(response.json().get("detail").asText()).contains("observability.metrics.enabled");
        }
    }

    @Test
    void a_node_still_starting_answers_503_not_ready() {
        NodeStartup startup = NodeStartup.deferred(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));
        try (BatonServer starting = BatonServer.start(startup, "127.0.0.1", 0)) {
            var response = api.send(HttpRequest.newBuilder(starting.url().resolve("/metrics")).GET(), Map.of());

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("code").asText()).isEqualTo("not-ready");
        } finally {
            startup.close();
        }
    }

    @Test
    void the_grafana_dashboard_queries_only_metrics_a_node_exports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        collectQueries(dashboard, queries);
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                names.add(m.group());
            }
        }
        Exposition s = scrapeAfterTheRun();

        assertThat(dashboard.get("templating").get("list").get(0).get("type").asText()).isEqualTo("datasource");
        assertThat(dashboard.get("panels").findValuesAsText("title")).contains("Runs", "Steps", "Gateway",
                "JVM and process");
        assertThat(queries).hasSizeGreaterThan(30);
        assertThat(names).contains("baton_runs_started_total", "baton_gateway_requests_total", "jvm_memory_used_bytes");
        assertThat(names).allSatisfy(name -> assertThat(s.has(name)).as("%s is exported", name).isTrue());
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.get("type").asText().equals("row")) {
                assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText())
                        .isEqualTo("${datasource}");
            }
        }
    }

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "baton-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:baton|jvm|process|system)_[a-z0-9_]+\\b");

    /** Every PromQL text of the dashboard: panel targets' {@code expr} and the variables' queries. */
    private static void collectQueries(JsonNode node, List<String> queries) {
        node.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (value.isTextual() && (field.getKey().equals("expr") || field.getKey().equals("query")
                                      || field.getKey().equals("definition"))) {
                queries.add(value.asText());
            }
        });
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                collectQueries(child, queries);
            }
        }
    }
}
