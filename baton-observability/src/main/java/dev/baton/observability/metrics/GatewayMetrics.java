package dev.baton.observability.metrics;

import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.HealthState;
import dev.baton.gateway.cache.CacheStats;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.usage.MeteredGateway;
import dev.baton.gateway.usage.UsageListener;
import dev.baton.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics. From every {@link UsageRecord} (as a {@link UsageListener} of the usage recorder):
 * <ul>
 *   <li>{@code baton_gateway_requests_total{model,deployment,operation,outcome}}: calls; {@code outcome} is
 *       {@code success} or the call's error code ({@code rate-limited}, {@code upstream-unavailable}, ...);</li>
 *   <li>{@code baton_gateway_request_duration_seconds{model,deployment,operation}} (histogram): call latency,
 *       retries and failover included; {@code baton_gateway_time_to_first_token_seconds{model,deployment}}
 *       (histogram, streams only);</li>
 *   <li>{@code baton_gateway_tokens_total{model,deployment,type}} ({@code type} = {@code input}|{@code output})
 *       and {@code baton_gateway_cost_usd_total{model,deployment}}: what was consumed upstream (cache hits count 0);
 *       </li>
 *   <li>{@code baton_gateway_rate_limited_total{scope="budget"}} (a budget refused the call) and
 *       {@code baton_gateway_usage_records_dropped_total}.</li>
 * </ul>
 * Read at scrape time once {@link #bind bound} to the gateway: {@code baton_gateway_rate_limited_total{scope}} for
 * {@code key} and {@code deployment} ({@link GatewayAdmin#rateLimitRefusals()}),
 * {@code baton_gateway_breaker_state{deployment,state}} (1 for the current state, else 0),
 * {@code baton_gateway_in_flight{deployment}}, {@code baton_gateway_deployment_healthy{deployment}} (1 healthy,
 * 0.5 degraded, 0 unhealthy, -1 unknown: no traffic or probe yet), and
 * {@code baton_gateway_cache_requests_total{result}} ({@code hit}|{@code miss}).
 *
 * <p>Labels stay bounded whatever clients send: {@code model} is a configured alias or {@code other} (a call to an
 * unknown model is recorded under the name the client sent), {@code deployment} a configured deployment,
 * {@code cache} (a cache hit), {@code none} (a call no deployment answered) or {@code other}.
 *
 * <p>Meters are cached per label combination: a record costs one map lookup and a few atomic adds. Thread-safe.
 */
public final class GatewayMetrics implements UsageListener {
    /** {@code outcome} of a call that succeeded. */
    static final String SUCCESS = "success";
    /** How long one read of the deployments' status serves the gauges of a scrape. */
    private static final long STATUS_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Set<String> OPERATIONS = Set.of("chat", "chat.stream", "embeddings");

    private final MeterRegistry registry;
    private final Set<String> aliases;
    private final Set<String> deployments;
    private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();
    private final LongAdder budgetRefusals = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile StatusSnapshot snapshot;
    /** What the scrape-time meters read: held here because Micrometer holds a function meter's source weakly. */
    private volatile GatewayAdmin boundAdmin;
    private volatile Supplier<CacheStats> boundCache;

    /**
     * Registers the record-fed counters that exist from the start (budget refusals, dropped records).
     *
     * @param config the gateway's configuration as served (with the in-process model's alias, if any): its
     *               aliases and deployment ids are the label values allowed
     */
    public GatewayMetrics(MeterRegistry registry, GatewayConfig config) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(config, "config");
        this.aliases = Set.copyOf(config.models().keySet());
        Set<String> ids = new HashSet<>(Set.of(CachingGateway.CACHE, MeteredGateway.NONE));
        for (ModelAlias alias : config.models().values()) {
            for (Deployment deployment : alias.deployments()) {
                ids.add(deployment.id());
            }
        }
        this.deployments = Set.copyOf(ids);
        FunctionCounter.builder("baton.gateway.rate.limited", budgetRefusals, LongAdder::sum).tag("scope", "budget")
                .description("Gateway calls refused for a rate limit or budget, by scope").register(registry);
        FunctionCounter.builder("baton.gateway.usage.records.dropped", dropped, LongAdder::sum)
                .description("Usage records not written because the recorder's queue was full or closed")
                .register(registry);
    }

    @Override
    public void recorded(UsageRecord record) {
        String code = record.errorCode();
        Series s = series(record.alias(), record.deployment(), record.operation(),
                code == null ? SUCCESS : ErrorCode.fromCode(code).code());
        s.requests.increment();
        s.duration.record(record.latency());
        if (record.timeToFirstToken() != null) {
            s.firstToken().record(record.timeToFirstToken());
        }
        if (record.inputTokens() > 0) {
            s.inputTokens.increment(record.inputTokens());
        }
        if (record.outputTokens() > 0) {
            s.outputTokens.increment(record.outputTokens());
        }
        if (record.costUsd() > 0) {
            s.cost.increment(record.costUsd());
        }
        if (ErrorCode.BUDGET_EXCEEDED.code().equals(code)) {
            budgetRefusals.increment();
        }
    }

    @Override
    public void dropped(UsageRecord record) {
        dropped.increment();
    }

    /**
     * Registers the gauges and counters read from the gateway at scrape time: rate-limit refusals by key and
     * deployment, each deployment's breaker state, in-flight calls and health, and the cache's hits and misses.
     *
     * @param admin the gateway's operator view (its deployments are listed once, now)
     * @param cache the response cache's counters, or {@code null} when the gateway has no cache
     */
    public void bind(GatewayAdmin admin, Supplier<CacheStats> cache) {
        Objects.requireNonNull(admin, "admin");
        this.boundAdmin = admin;
        this.boundCache = cache;
        FunctionCounter.builder("baton.gateway.rate.limited", admin, a -> a.rateLimitRefusals().key())
                .tag("scope", "key").description("Gateway calls refused for a rate limit or budget, by scope")
                .register(registry);
        FunctionCounter.builder("baton.gateway.rate.limited", admin, a -> a.rateLimitRefusals().deployment())
                .tag("scope", "deployment").description("Gateway calls refused for a rate limit or budget, by scope")
                .register(registry);
        for (DeploymentStatus deployment : admin.deployments()) {
            String id = deployment.id();
            for (BreakerState state : BreakerState.values()) {
                Gauge.builder("baton.gateway.breaker.state", admin,
                                a -> read(a, id, d -> d.breaker() == state ? 1 : 0))
                        .tags("deployment", id, "state", state.name().toLowerCase(Locale.ROOT))
                        .description("Circuit breaker state of a deployment: 1 for the current state, else 0")
                        .strongReference(true).register(registry);
            }
            Gauge.builder("baton.gateway.in.flight", admin, a -> read(a, id, DeploymentStatus::inFlight))
                    .tag("deployment", id).description("Gateway calls in flight to a deployment")
                    .strongReference(true).register(registry);
            Gauge.builder("baton.gateway.deployment.healthy", admin, a -> read(a, id, d -> healthValue(d.health())))
                    .tag("deployment", id)
                    .description("Deployment health: 1 healthy, 0.5 degraded, 0 unhealthy, -1 unknown")
                    .strongReference(true).register(registry);
        }
        if (cache != null) {
            FunctionCounter.builder("baton.gateway.cache.requests", cache, c -> c.get().hits()).tag("result", "hit")
                    .description("Response cache lookups by result").register(registry);
            FunctionCounter.builder("baton.gateway.cache.requests", cache, c -> c.get().misses())
                    .tag("result", "miss").description("Response cache lookups by result").register(registry);
        }
    }

    static double healthValue(HealthState health) {
        return switch (health) {
            case HEALTHY -> 1;
            case DEGRADED -> 0.5;
            case UNHEALTHY -> 0;
            case UNKNOWN -> -1;
        };
    }

    /** {@code value} of deployment {@code id}'s status, or NaN (no sample) when it is gone. */
    private double read(GatewayAdmin admin, String id, ToDoubleFunction<DeploymentStatus> value) {
        DeploymentStatus status = status(admin, id);
        return status == null ? Double.NaN : value.applyAsDouble(status);
    }

    /** A deployment's status from a snapshot of all of them taken at most a second ago (one read per scrape). */
    private DeploymentStatus status(GatewayAdmin admin, String id) {
        long now = registry.config().clock().monotonicTime();
        StatusSnapshot current = snapshot;
        if (current == null || now - current.takenAt >= STATUS_TTL_NANOS || current.admin != admin) {
            Map<String, DeploymentStatus> byId = new LinkedHashMap<>();
            for (DeploymentStatus status : admin.deployments()) {
                byId.put(status.id(), status);
            }
            current = new StatusSnapshot(admin, now, byId);
            snapshot = current;
        }
        return current.byId.get(id);
    }

    private record StatusSnapshot(GatewayAdmin admin, long takenAt, Map<String, DeploymentStatus> byId) {
    }

    private Series series(String alias, String deployment, String operation, String outcome) {
        Key key = new Key(aliases.contains(alias) ? alias : CappedLabels.OTHER,
                deployments.contains(deployment) ? deployment : CappedLabels.OTHER,
                OPERATIONS.contains(operation) ? operation : CappedLabels.OTHER, outcome);
        Series s = series.get(key);
        return s != null ? s : series.computeIfAbsent(key, Series::new);
    }

    /** One combination of label values. */
    private record Key(String model, String deployment, String operation, String outcome) {
    }

    /** The meters a record with one {@link Key} adds to (those without {@code outcome} are shared). */
    private final class Series {
        private final Key key;
        private final Counter requests;
        private final Timer duration;
        private final Counter inputTokens;
        private final Counter outputTokens;
        private final Counter cost;
        private volatile Timer firstToken;

        Series(Key key) {
            this.key = key;
            this.requests = Counter.builder("baton.gateway.requests")
                    .tags("model", key.model, "deployment", key.deployment, "operation", key.operation,
                            "outcome", key.outcome)
                    .description("Gateway calls by model alias, deployment, operation and outcome")
                    .register(registry);
            this.duration = Timer.builder("baton.gateway.request.duration")
                    .tags("model", key.model, "deployment", key.deployment, "operation", key.operation)
                    .description("Gateway call latency, retries and failover included")
                    .serviceLevelObjectives(Buckets.GATEWAY_CALL).register(registry);
            this.inputTokens = tokens("input");
            this.outputTokens = tokens("output");
            this.cost = Counter.builder("baton.gateway.cost.usd")
                    .tags("model", key.model, "deployment", key.deployment)
                    .description("Cost of gateway calls in USD from the deployments' prices").register(registry);
        }

        private Counter tokens(String type) {
            return Counter.builder("baton.gateway.tokens")
                    .tags("model", key.model, "deployment", key.deployment, "type", type)
                    .description("Tokens consumed upstream by type").register(registry);
        }

        Timer firstToken() {
            Timer timer = firstToken;
            if (timer == null) {
                timer = Timer.builder("baton.gateway.time.to.first.token")
                        .tags("model", key.model, "deployment", key.deployment)
                        .description("Time to the first chunk of streamed chats")
                        .serviceLevelObjectives(Buckets.FIRST_TOKEN).register(registry);
                firstToken = timer;
            }
            return timer;
        }
    }
}
