package dev.baton.observability.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.HealthState;
import dev.baton.gateway.admin.RateLimitRefusals;
import dev.baton.gateway.cache.CacheStats;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.GatewayConfigReader;
import dev.baton.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayMetricsTest {
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
    private static final String CONFIG = """
            models:
              fast:
                deployments:
                  - {id: openai-main, provider: openai, baseUrl: "http://127.0.0.1:1/v1", model: gpt-4o-mini}
                  - {id: openai-backup, provider: openai, baseUrl: "http://127.0.0.1:2/v1", model: gpt-4o-mini}
            """;

    private final MockClock clock = new MockClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    private final GatewayMetrics metrics = new GatewayMetrics(registry, config());

    private static GatewayConfig config() {
        try {
            return GatewayConfigReader.read(new ObjectMapper(new YAMLFactory()).readTree(CONFIG));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static UsageRecord served(String alias, String deployment, String operation, long in, long out,
                                      double cost, Duration latency, Duration firstToken, boolean hit) {
        return new UsageRecord(T0, "team-a", null, null, null, alias, deployment, "openai", "gpt-4o-mini",
                operation, in, out, false, cost, latency, firstToken, hit, null);
    }

    private static UsageRecord failed(String alias, String operation, String code) {
        return new UsageRecord(T0, "team-a", null, null, null, alias, "none", "none", "none", operation, 0, 0,
                false, 0, Duration.ofMillis(5), null, false, code);
    }

    private Scraped scrape() {
        return Scraped.parse(registry.scrape());
    }

    @Test
    void counts_calls_tokens_cost_and_latency_from_usage_records() {
        metrics.recorded(served("fast", "openai-main", "chat", 120, 30, 0.002, Duration.ofMillis(400), null, false));
        metrics.recorded(served("fast", "openai-main", "chat", 80, 20, 0.001, Duration.ofMillis(600), null, false));
        metrics.recorded(served("fast", "openai-main", "chat.stream", 10, 90, 0.003, Duration.ofSeconds(3),
                Duration.ofMillis(250), false));
        metrics.recorded(served("fast", "cache", "chat", 0, 0, 0, Duration.ofMillis(2), null, true));

        Scraped s = scrape();
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "openai-main",
                "operation", "chat", "outcome", "success")).isEqualTo(2.0);
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "cache",
                "operation", "chat", "outcome", "success")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_tokens_total", "model", "fast", "deployment", "openai-main", "type",
                "input")).isEqualTo(210.0);
        assertThat(s.value("baton_gateway_tokens_total", "model", "fast", "deployment", "openai-main", "type",
                "output")).isEqualTo(140.0);
        assertThat(s.value("baton_gateway_cost_usd_total", "model", "fast", "deployment", "openai-main"))
                .isCloseTo(0.006, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.value("baton_gateway_cost_usd_total", "model", "fast", "deployment", "cache")).isEqualTo(0.0);
        assertThat(s.value("baton_gateway_request_duration_seconds_sum", "model", "fast", "deployment",
                "openai-main", "operation", "chat")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_request_duration_seconds_bucket", "model", "fast", "deployment",
                "openai-main", "operation", "chat", "le", "0.5")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_time_to_first_token_seconds_count", "model", "fast", "deployment",
                "openai-main")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_time_to_first_token_seconds_bucket", "model", "fast", "deployment",
                "openai-main", "le", "0.3")).isEqualTo(1.0);
    }

    @Test
    void failed_calls_count_by_error_code_and_budget_refusals_by_scope() {
        metrics.recorded(failed("fast", "chat", "upstream-unavailable"));
        metrics.recorded(failed("fast", "chat", "budget-exceeded"));
        metrics.recorded(failed("fast", "chat", "budget-exceeded"));

        Scraped s = scrape();
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "none", "operation",
                "chat", "outcome", "upstream-unavailable")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "none", "operation",
                "chat", "outcome", "budget-exceeded")).isEqualTo(2.0);
        assertThat(s.value("baton_gateway_rate_limited_total", "scope", "budget")).isEqualTo(2.0);
    }

    @Test
    void labels_stay_bounded_whatever_clients_send() {
        for (int i = 0; i < 20; i++) {
            metrics.recorded(failed("no-such-model-" + i, "chat", "not-found"));
        }
        metrics.recorded(failed("fast", "chat", "made-up-code"));

        Scraped s = scrape();
        assertThat(s.value("baton_gateway_requests_total", "model", "other", "deployment", "none", "operation",
                "chat", "outcome", "not-found")).isEqualTo(20.0);
        assertThat(s.text()).doesNotContain("no-such-model-");
        assertThat(s.value("baton_gateway_requests_total", "model", "fast", "deployment", "none", "operation",
                "chat", "outcome", "internal")).as("unknown codes are internal").isEqualTo(1.0);
    }

    @Test
    void counts_dropped_usage_records() {
        metrics.dropped(failed("fast", "chat", "internal"));

        assertThat(scrape().value("baton_gateway_usage_records_dropped_total")).isEqualTo(1.0);
    }

    @Test
    void reads_breakers_health_in_flight_refusals_and_cache_at_scrape_time() {
        var admin = new FakeAdmin();
        admin.put("openai-main", BreakerState.CLOSED, HealthState.HEALTHY, 2);
        admin.put("openai-backup", BreakerState.OPEN, HealthState.UNHEALTHY, 0);
        admin.refusals = new RateLimitRefusals(4, 1);
        CacheStats[] cache = {new CacheStats(5, 7, 0, 3)};
        metrics.bind(admin, () -> cache[0]);

        Scraped s = scrape();
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "openai-main", "state", "closed"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "openai-main", "state", "open"))
                .isEqualTo(0.0);
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "openai-backup", "state", "open"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_gateway_in_flight", "deployment", "openai-main")).isEqualTo(2.0);
        assertThat(s.value("baton_gateway_deployment_healthy", "deployment", "openai-main")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_deployment_healthy", "deployment", "openai-backup")).isEqualTo(0.0);
        assertThat(s.value("baton_gateway_rate_limited_total", "scope", "key")).isEqualTo(4.0);
        assertThat(s.value("baton_gateway_rate_limited_total", "scope", "deployment")).isEqualTo(1.0);
        assertThat(s.value("baton_gateway_rate_limited_total", "scope", "budget")).isEqualTo(0.0);
        assertThat(s.value("baton_gateway_cache_requests_total", "result", "hit")).isEqualTo(5.0);
        assertThat(s.value("baton_gateway_cache_requests_total", "result", "miss")).isEqualTo(7.0);

        admin.put("openai-backup", BreakerState.HALF_OPEN, HealthState.DEGRADED, 1);
        cache[0] = new CacheStats(6, 7, 0, 3);
        clock.add(2, TimeUnit.SECONDS); // the deployments' status is read at most once a second
        s = scrape();
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "openai-backup", "state", "half_open"))
                .isEqualTo(1.0);
        assertThat(s.value("baton_gateway_breaker_state", "deployment", "openai-backup", "state", "open"))
                .isEqualTo(0.0);
        assertThat(s.value("baton_gateway_deployment_healthy", "deployment", "openai-backup")).isEqualTo(0.5);
        assertThat(s.value("baton_gateway_cache_requests_total", "result", "hit")).isEqualTo(6.0);
        assertThat(admin.reads).as("one read of all deployments per scrape, not one per gauge").isLessThan(5);
    }

    /** An admin over a map of statuses that counts how often it is read. */
    private static final class FakeAdmin implements GatewayAdmin {
        final Map<String, DeploymentStatus> statuses = new ConcurrentHashMap<>();
        volatile RateLimitRefusals refusals = RateLimitRefusals.NONE;
        int reads;

        void put(String id, BreakerState breaker, HealthState health, long inFlight) {
            statuses.put(id, new DeploymentStatus(id, "fast", "openai", "gpt-4o-mini", true, breaker, health, 100,
                    inFlight, 0, 0, 0, List.of()));
        }

        @Override
        public List<DeploymentStatus> deployments() {
            reads++;
            return statuses.values().stream().sorted(java.util.Comparator.comparing(DeploymentStatus::id)).toList();
        }

        @Override
        public DeploymentStatus deployment(String id) {
            DeploymentStatus status = statuses.get(id);
            if (status == null) {
                throw BatonException.notFound("deployment", id);
            }
            return status;
        }

        @Override
        public DeploymentStatus setEnabled(String id, boolean enabled) {
            return deployment(id);
        }

        @Override
        public RateLimitRefusals rateLimitRefusals() {
            return refusals;
        }
    }
}
