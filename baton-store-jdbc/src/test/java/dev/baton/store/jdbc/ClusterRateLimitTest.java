package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.api.ChatMessage;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.config.Budget;
import dev.baton.gateway.config.BreakerSettings;
import dev.baton.gateway.config.CacheSettings;
import dev.baton.gateway.config.ClientKey;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.HealthSettings;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.config.Pricing;
import dev.baton.gateway.config.RateLimits;
import dev.baton.gateway.config.RetrySettings;
import dev.baton.gateway.config.SecretRef;
import dev.baton.gateway.config.Strategy;
import dev.baton.gateway.config.Timeouts;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.gateway.routing.Router;
import dev.baton.gateway.testing.FakeOpenAiServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Three gateways (three routers, each with its own connection pool, as three nodes have) sharing one real
 * PostgreSQL: a key's limit of 100 requests per minute holds for the three together. The clock stands still, so
 * no token is refilled while the test runs.
 */
class ClusterRateLimitTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

    private static EmbeddedPostgres postgres;
    private static final List<JdbcStores> NODES = new ArrayList<>();
    private static FakeOpenAiServer upstream;
    private static OpenAiProvider provider;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        for (int i = 0; i < 3; i++) {
            NODES.add(Databases.openPostgres(postgres));
        }
        upstream = new FakeOpenAiServer();
        provider = new OpenAiProvider(Map.of());
    }

    @AfterAll
    static void stop() throws IOException {
        provider.close();
        upstream.close();
        NODES.forEach(JdbcStores::close);
        postgres.close();
    }

    @BeforeEach
    void empty() {
        Databases.empty(NODES.getFirst());
        upstream.reset();
    }

    private static GatewayConfig config(RateLimits keyLimits, RateLimits deploymentLimits) {
        var deployment = new Deployment("fake", "openai", upstream.baseUrl(), "gpt-fake", null, 1, deploymentLimits,
                Timeouts.DEFAULT, Pricing.FREE, BreakerSettings.DEFAULT, Map.of(), true);
        var alias = new ModelAlias("gpt", ModelKind.CHAT, Strategy.PRIORITY, List.of(deployment), List.of());
        var key = new ClientKey("team", SecretRef.parse("keys.team", "env:TEAM"), keyLimits, Budget.NONE);
        return new GatewayConfig(Map.of("gpt", alias), List.of(key), RateLimits.UNLIMITED, Budget.NONE,
                RetrySettings.DEFAULT, CacheSettings.DEFAULT, HealthSettings.DEFAULT);
    }

    private static List<Router> gateways(GatewayConfig config) {
        List<Router> routers = new ArrayList<>();
        for (JdbcStores node : NODES) {
            routers.add(new Router(config, Map.of("openai", provider), CLOCK, new Random(1), d -> { },
                    node.gatewayBuckets(CLOCK)));
        }
        return routers;
    }

    /** Outcomes of {@code calls} concurrent chats spread round-robin over {@code routers}. */
    private record Outcomes(int admitted, List<BatonException> refused) {}

    private static Outcomes spread(List<Router> routers, int calls, String principal) throws InterruptedException {
        var admitted = new AtomicInteger();
        var refused = new ConcurrentLinkedQueue<BatonException>();
        var go = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                Router router = routers.get(i % routers.size());
                int n = i;
                threads.submit(() -> {
                    go.await();
                    try {
                        router.chat(ChatRequest.of("gpt", List.of(ChatMessage.user("call " + n))),
                                CallContext.direct(principal));
                        admitted.incrementAndGet();
                    } catch (BatonException e) {
                        refused.add(e);
                    }
                    return null;
                });
            }
            go.countDown();
        }
        routers.forEach(Router::close);
        return new Outcomes(admitted.get(), List.copyOf(refused));
    }

    @Test
    void three_gateways_admit_exactly_100_of_300_requests_under_a_key_limit_of_100_per_minute() throws Exception {
        Outcomes outcomes = spread(gateways(config(new RateLimits(100, 0), RateLimits.UNLIMITED)), 300, "team");

        assertThat(outcomes.admitted()).isEqualTo(100);
        assertThat(outcomes.refused()).hasSize(200).allSatisfy(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.getMessage()).contains("API key 'team'", "100 requests per minute");
            // one request per 600 ms comes back
            assertThat(e.retryAfter()).hasValueSatisfying(wait ->
                    assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMillis(600)));
        });
        assertThat(upstream.requestCount()).isEqualTo(100);
    }

    @Test
    void an_unreachable_database_refuses_the_call_as_unavailable_without_calling_the_upstream() {
        var router = new Router(config(new RateLimits(100, 0), RateLimits.UNLIMITED), Map.of("openai", provider),
                CLOCK, new Random(1), d -> { }, new JdbcBuckets(Unreachable.dataSource(), CLOCK));
        try {
            assertThatThrownBy(() -> router.chat(ChatRequest.of("gpt", List.of(ChatMessage.user("hi"))),
                    CallContext.direct("team")))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.retriable()).isTrue();
                        assertThat(e.getMessage()).contains("key/team/rpm/100");
                    });
            assertThat(upstream.requestCount()).isZero();
            assertThat(router.rateLimitRefusals().key()).as("not a rate limit refusal").isZero();
        } finally {
            router.close();
        }
    }

    @Test
    void a_deployment_limit_holds_for_the_cluster_too() throws Exception {
        Outcomes outcomes = spread(gateways(config(RateLimits.UNLIMITED, new RateLimits(30, 0))), 90, "team");

        assertThat(outcomes.admitted()).isEqualTo(30);
        assertThat(outcomes.refused()).hasSize(60)
                .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(upstream.requestCount()).isEqualTo(30);
    }
}
