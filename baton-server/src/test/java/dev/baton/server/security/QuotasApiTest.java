package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.testing.FakeOpenAiServer;
import dev.baton.server.BatonConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quotas of tenants and API keys over real HTTP, on a node with authentication on: request rate on every
 * guarded route, token rate and daily budget on {@code /v1} (a fake upstream reports the fake's usage: one token per
 * word), concurrent runs under concurrent starts. Each test uses tenants of its own, so their buckets and budgets do
 * not meet.
 */
class QuotasApiTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** 20 words (39 characters): the fake counts 20 prompt tokens and answers "You said: ..." (22 tokens). */
    private static final String PROMPT = String.join(" ", java.util.Collections.nCopies(20, "w"));

    private static FakeOpenAiServer upstream;
    private static SecureNode node;

    @BeforeAll
    static void start() throws IOException {
        upstream = new FakeOpenAiServer();
        String gateway = """
                models:
                  fast:
                    deployments:
                      - {id: fake-1, provider: openai, baseUrl: "%s", model: gpt-fake, pricing: {input: 1.0, output: 2.0}}
                retry: {maxAttempts: 1}
                """.formatted(upstream.baseUrl());
        String security = """
                defaultQuotas: {requestsPerMinute: 1000}
                tenants:
                  rpm: {quotas: {requestsPerMinute: 3}}
                  tpm: {quotas: {tokensPerMinute: 100}}
                  daily: {quotas: {dailyTokens: 100, requestsPerMinute: 100000}}
                  slots: {quotas: {maxConcurrentRuns: 2}}
                """;
        QuotaSettings quotas = QuotaConfigReader.read(YAML.readTree(security), Map.of());
        node = new SecureNode(config -> {
            try {
                BatonConfig withGateway = config.withGateway(GatewayConfigReader.read(YAML.readTree(gateway)));
                SecurityConfig s = withGateway.security();
                return withGateway.withSecurity(new SecurityConfig(s.systemTenant(), s.auth(), quotas,
                        dev.baton.server.TestEgress.LOOPBACK, s.secrets()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void stop() {
        node.close();
        upstream.close();
    }

    private static void assertQuotaProblem(SecureNode.Response response, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.header("Retry-After")).isNotNull();
        assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
        JsonNode body = response.json();
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo(field);
        assertThat(body.path("detail").asText()).contains(field);
    }

    @Test
    void a_tenant_over_its_requests_per_minute_gets_429_naming_the_limit_while_other_tenants_go_on() {
        String viewer = node.key("rpm", Role.VIEWER);
        String other = node.key("rpm-neighbour", Role.VIEWER);
        for (int i = 0; i < 3; i++) {
            assertThat(node.get("/api/v1/workflows", viewer).status()).isEqualTo(200);
        }

        SecureNode.Response refused = node.get("/api/v1/runs", viewer);

        assertQuotaProblem(refused, "quota-exceeded", "security.tenants.rpm.quotas.requestsPerMinute");
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(node.get("/api/v1/workflows", other).status()).isEqualTo(200); // the defaults: 1000/min
    }

    @Test
    void a_key_over_its_own_requests_per_minute_gets_429_naming_the_key_limit() {
        String limited = node.key("keyed", new Quotas(1, 0, 0, 0, 0, 0, 0), Role.VIEWER);
        String keyId = node.node().apiKeys().list("keyed", null, 10).items().getFirst().id();
        assertThat(node.get("/api/v1/workflows", limited).status()).isEqualTo(200);

        assertQuotaProblem(node.get("/api/v1/workflows", limited), "quota-exceeded",
                "key." + keyId + ".quotas.requestsPerMinute");
        assertThat(node.get("/api/v1/workflows", node.key("keyed", Role.VIEWER)).status()).isEqualTo(200);
    }

    private static String chat(int maxTokens) {
        return """
                {"model": "fast", "max_tokens": %d, "messages": [{"role": "user", "content": "%s"}]}
                """.formatted(maxTokens, PROMPT);
    }

    @Test
    void a_tenant_over_its_tokens_per_minute_gets_429_on_v1_naming_the_limit() {
        String developer = node.key("tpm", Role.DEVELOPER);
        Map<String, String> noCache = Map.of("Cache-Control", "no-cache"); // a cache hit uses no upstream tokens
        // estimate 10 + 55 = 65 of 100; the call uses 42, leaving 58 (+ the refill of a few seconds)
        assertThat(node.send("POST", "/v1/chat/completions", developer, chat(55), noCache).status()).isEqualTo(200);

        SecureNode.Response refused = node.send("POST", "/v1/chat/completions", developer, chat(55), noCache);

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotNull();
        JsonNode error = refused.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("quota-exceeded");
        assertThat(error.path("param").asText()).isEqualTo("security.tenants.tpm.quotas.tokensPerMinute");
        assertThat(upstream.requests()).isNotEmpty();
    }

    @Test
    void a_tenant_over_its_daily_tokens_gets_429_budget_exceeded_until_midnight_and_usage_shows_its_own_calls()
            throws InterruptedException {
        String developer = node.key("daily", Role.DEVELOPER);
        // worst case 14 + 55 = 69 of 100 reserved; 42 spent
        assertThat(node.post("/v1/chat/completions", developer, chat(55)).status()).isEqualTo(200);

        SecureNode.Response refused = node.post("/v1/chat/completions", developer, chat(55));

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 24 * 3600L);
        JsonNode error = refused.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(error.path("param").asText()).isEqualTo("security.tenants.daily.quotas.dailyTokens");
        assertThat(error.path("message").asText()).contains("daily budget of tenant 'daily'", "42 spent");

        String admin = node.key("daily", Role.ADMIN);
        JsonNode own = node.get("/api/v1/usage?groupBy=model", admin).json();
        for (int i = 0; i < 500 && own.path("total").path("calls").asLong() < 2; i++) {
            Thread.sleep(10); // usage records are written in the background
            own = node.get("/api/v1/usage?groupBy=model", admin).json();
        }
        assertThat(own.path("total").path("calls").asLong()).isEqualTo(2); // the refused call is recorded too
        assertThat(own.path("total").path("inputTokens").asLong() + own.path("total").path("outputTokens").asLong())
                .isEqualTo(42);
        JsonNode others = node.get("/api/v1/usage?groupBy=model", node.key("daily-neighbour", Role.ADMIN)).json();
        assertThat(others.path("items")).isEmpty();
        JsonNode keys = node.get("/api/v1/analytics/keys", node.key("daily-neighbour", Role.ADMIN)).json();
        assertThat(keys.path("items")).isEmpty();
    }

    @Test
    void concurrent_starts_never_exceed_the_tenants_max_concurrent_runs() throws Exception {
        String developer = node.key("slots", Role.DEVELOPER, Role.OPERATOR);
        String workflow = """
                id: long-sleep
                steps:
                  wait:
                    uses: sleep
                    with: {duration: 10m}
                """;
        SecureNode.Response registered = node.send("POST", "/api/v1/workflows", developer, workflow,
                Map.of("Content-Type", "application/yaml"));
        assertThat(registered.status()).as(registered.body()).isIn(200, 201);

        List<SecureNode.Response> answers = new ArrayList<>();
        var go = new CountDownLatch(1);
        List<Future<SecureNode.Response>> starts = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                starts.add(threads.submit(() -> {
                    go.await();
                    return node.post("/api/v1/workflows/long-sleep/runs", developer, "{}");
                }));
            }
            go.countDown();
            for (Future<SecureNode.Response> start : starts) {
                answers.add(start.get());
            }
        }

        List<SecureNode.Response> started = answers.stream().filter(r -> r.status() == 202).toList();
        List<SecureNode.Response> refused = answers.stream().filter(r -> r.status() == 429).toList();
        assertThat(started).hasSize(2);
        assertThat(refused).hasSize(6);
        assertQuotaProblem(refused.getFirst(), "quota-exceeded", "security.tenants.slots.quotas.maxConcurrentRuns");

        // a batch that does not fit starts nothing
        SecureNode.Response batch = node.post("/api/v1/workflows/long-sleep/runs/batch", developer,
                "{\"inputs\": [{}, {}]}");
        assertQuotaProblem(batch, "quota-exceeded", "security.tenants.slots.quotas.maxConcurrentRuns");

        // a run that ends frees its slot
        String runId = started.getFirst().json().path("id").asText();
        assertThat(node.post("/api/v1/runs/" + runId + "/cancel", developer, "{}").status()).isEqualTo(200);
        awaitTerminal(runId, developer);
        awaitReleased(runId, "tenant/slots"); // released by the engine's observer, not by reclaiming a full scope
        assertThat(node.post("/api/v1/workflows/long-sleep/runs", developer, "{}").status()).isEqualTo(202);
        assertQuotaProblem(node.post("/api/v1/workflows/long-sleep/runs", developer, "{}"), "quota-exceeded",
                "security.tenants.slots.quotas.maxConcurrentRuns");
    }

    @Test
    void a_key_with_its_own_max_concurrent_runs_is_refused_naming_the_key_limit() {
        String limited = node.key("keyslots", new Quotas(0, 0, 1, 0, 0, 0, 0), Role.DEVELOPER);
        String keyId = node.node().apiKeys().list("keyslots", null, 10).items().getFirst().id();
        String workflow = """
                id: key-sleep
                steps:
                  wait:
                    uses: sleep
                    with: {duration: 10m}
                """;
        assertThat(node.send("POST", "/api/v1/workflows", limited, workflow,
                Map.of("Content-Type", "application/yaml")).status()).isIn(200, 201);
        assertThat(node.post("/api/v1/workflows/key-sleep/runs", limited, "{}").status()).isEqualTo(202);

        assertQuotaProblem(node.post("/api/v1/workflows/key-sleep/runs", limited, "{}"), "quota-exceeded",
                "key." + keyId + ".quotas.maxConcurrentRuns");
        // another key of the tenant is not limited by that key's quota
        assertThat(node.post("/api/v1/workflows/key-sleep/runs", node.key("keyslots", Role.DEVELOPER), "{}")
                .status()).isEqualTo(202);
    }

    private static void awaitReleased(String runId, String scope) throws InterruptedException {
        RunQuotas quotas = node.node().quotas().runs();
        for (int i = 0; i < 400; i++) {
            if (quotas.slots().slots(scope).stream().noneMatch(slot -> slot.holder().equals(runId))) {
                return;
            }
            Thread.sleep(5); // the observer releases on a thread of its own once the end is stored
        }
        throw new AssertionError("the slot of run " + runId + " was not released");
    }

    private static void awaitTerminal(String runId, String key) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String status = node.get("/api/v1/runs/" + runId, key).json().path("status").asText();
            if (status.equals("cancelled") || status.equals("succeeded") || status.equals("failed")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("run " + runId + " did not end");
    }
}
