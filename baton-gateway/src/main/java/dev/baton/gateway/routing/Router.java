package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.CallContext;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.RateLimitRefusals;
import dev.baton.gateway.api.ChatRequest;
import dev.baton.gateway.api.ChatResponse;
import dev.baton.gateway.api.ChunkSink;
import dev.baton.gateway.api.EmbeddingRequest;
import dev.baton.gateway.api.EmbeddingResponse;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.api.ModelKind;
import dev.baton.gateway.api.Served;
import dev.baton.gateway.api.StreamResult;
import dev.baton.gateway.api.Usage;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.limits.LocalBuckets;
import dev.baton.gateway.provider.Provider;
import dev.baton.gateway.quota.QuotaSource;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * The gateway's router: resolves a model alias to its deployments and makes the call through one provider
 * attempt after another, with load balancing ({@link Balancer}), per-deployment circuit breakers
 * ({@link Breaker}), retries with backoff, failover and fallback aliases ({@link Failover}), token buckets per
 * deployment and per caller ({@link RateLimit}, {@link CallerLimits}) and the tokens-per-minute quotas of tenants and
 * API keys ({@link QuotaBuckets}), passive health and optional active probes
 * ({@link HealthProbes}). It also is the operator's {@link GatewayAdmin}.
 *
 * <p>Every response carries {@link Served}: the alias and deployment that answered, the provider type and
 * upstream model, the attempts made, the call's latency (retries and backoff included), the time to the first
 * chunk for streams, the cost from the deployment's prices and {@code cacheHit = false}.
 *
 * <p>Errors, besides those listed on {@link Gateway}: {@code NOT_FOUND} naming an unknown alias;
 * {@code INVALID_INPUT} for a chat call to an embedding alias or the reverse; {@code RATE_LIMITED} with
 * {@code retryAfter} when the caller's buckets are empty or every deployment's are.
 *
 * <p>Thread-safe; routing state is lock-free (atomics and the lock-free state machines of Resilience4j and
 * Bucket4j), only draws from the shared random source take a short lock. {@link #close()} stops the probes.
 */
public final class Router implements Gateway, GatewayAdmin, AutoCloseable {
    private final InstantSource clock;
    private final Map<String, Route> routes;
    private final Map<String, DeploymentState> deployments;
    private final CallerLimits callers;
    private final QuotaBuckets quotas;
    private final Failover failover;
    private final HealthProbes probes;
    private final LongAdder refusedByKey = new LongAdder();
    private final LongAdder refusedByDeployments = new LongAdder();

    /**
     * @param config    the gateway configuration (aliases, deployments, keys, retry and health settings)
     * @param providers providers by {@link Provider#type()}; every deployment's provider type must be present
     * @param clock     time for breakers, buckets, latencies and health checks
     * @param random    seeded source of the weighted strategy's draws and the backoff jitter
     * @param sleeper   waits out backoffs ({@link Sleeper#SYSTEM} in production)
     * @throws BatonException {@code INVALID_INPUT} when a deployment names a provider type that is not given
     */
    public Router(GatewayConfig config, Map<String, Provider> providers, InstantSource clock, RandomGenerator random,
                  Sleeper sleeper) {
        this(config, providers, clock, random, sleeper, new LocalBuckets(clock));
    }

    /**
     * A router whose token buckets (per key, anonymous, per deployment) come from {@code buckets}: per node with
     * {@link LocalBuckets}, cluster-wide with a shared store.
     *
     * @see #Router(GatewayConfig, Map, InstantSource, RandomGenerator, Sleeper)
     */
    public Router(GatewayConfig config, Map<String, Provider> providers, InstantSource clock, RandomGenerator random,
                  Sleeper sleeper, BucketStore buckets) {
        this(config, providers, clock, random, sleeper, buckets, QuotaSource.NONE);
    }

    /**
     * A router that also enforces the {@code tokensPerMinute} quotas of the calls' tenants and stored API keys
     * ({@link CallContext#tenantId()}, {@link CallContext#keyId()}) with buckets from {@code buckets}
     * ({@link QuotaBuckets}).
     *
     * @see #Router(GatewayConfig, Map, InstantSource, RandomGenerator, Sleeper, BucketStore)
     */
    public Router(GatewayConfig config, Map<String, Provider> providers, InstantSource clock, RandomGenerator random,
                  Sleeper sleeper, BucketStore buckets, QuotaSource quotas) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(providers, "providers");
        this.clock = Objects.requireNonNull(clock, "clock");
        var shared = new SharedRandom(random);
        var routeMap = new TreeMap<String, Route>();
        var byId = new LinkedHashMap<String, DeploymentState>();
        for (ModelAlias alias : new TreeMap<>(config.models()).values()) {
            var states = new ArrayList<DeploymentState>();
            for (Deployment deployment : alias.deployments()) {
                Provider provider = providers.get(deployment.provider());
                if (provider == null) {
                    throw BatonException.invalidInput("models." + alias.name() + ".deployments." + deployment.id()
                            + ".provider", "no provider of type '" + deployment.provider() + "' is available (known: "
                            + String.join(", ", new TreeMap<>(providers).keySet()) + ")");
                }
                var state = new DeploymentState(alias.name(), deployment, provider, clock, buckets);
                states.add(state);
                byId.put(deployment.id(), state);
            }
            routeMap.put(alias.name(), new Route(alias, states, Balancer.of(alias.strategy(), shared, clock)));
        }
        this.routes = Map.copyOf(routeMap);
        this.deployments = byId;
        this.callers = new CallerLimits(config, Objects.requireNonNull(buckets, "buckets"));
        this.quotas = new QuotaBuckets(buckets, Objects.requireNonNull(quotas, "quotas"));
        this.failover = new Failover(routes, new Backoff(config.retry(), shared), Objects.requireNonNull(sleeper,
                "sleeper"), clock);
        this.probes = new HealthProbes(List.copyOf(byId.values()), config.health(), clock);
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        Route route = route(request.model(), ModelKind.CHAT);
        var routed = routed(call, route, ExpectedTokens.of(request), Operation.of(
                d -> d.provider().chat(d.deployment(), request.withModel(d.deployment().upstreamModel()),
                        call.idempotencyKey()),
                ChatResponse::usage));
        return routed.result().withServed(served(routed, routed.result().usage(), null));
    }

    @Override
    public StreamResult stream(ChatRequest request, CallContext call, ChunkSink sink) {
        Objects.requireNonNull(sink, "sink");
        Route route = route(request.model(), ModelKind.CHAT);
        var operation = new StreamOperation(request, sink, clock, call.idempotencyKey());
        var routed = routed(call, route, ExpectedTokens.of(request), operation);
        return routed.result().withServed(served(routed, routed.result().usage(),
                operation.timeToFirstToken(routed.started())));
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        Route route = route(request.model(), ModelKind.EMBEDDING);
        var routed = routed(call, route, ExpectedTokens.of(request), Operation.of(
                d -> d.provider().embed(d.deployment(), request.withModel(d.deployment().upstreamModel()),
                        call.idempotencyKey()),
                EmbeddingResponse::usage));
        return routed.result().withServed(served(routed, routed.result().usage(), null));
    }

    @Override
    public List<ModelInfo> models() {
        return routes.values().stream()
                .sorted(Comparator.comparing(Route::name))
                .map(r -> new ModelInfo(r.name(), r.alias().kind(),
                        r.deployments().stream().map(DeploymentState::id).toList(), r.alias().fallbacks()))
                .toList();
    }

    @Override
    public List<DeploymentStatus> deployments() {
        return deployments.values().stream().map(DeploymentState::status).toList();
    }

    @Override
    public DeploymentStatus deployment(String id) {
        return find(id).status();
    }

    @Override
    public DeploymentStatus setEnabled(String id, boolean enabled) {
        DeploymentState state = find(id);
        state.setEnabled(enabled);
        return state.status();
    }

    @Override
    public RateLimitRefusals rateLimitRefusals() {
        return new RateLimitRefusals(refusedByKey.sum(), refusedByDeployments.sum());
    }

    /**
     * Probes every enabled deployment once now (what the schedule does every {@code health.probeInterval}) and
     * returns when all probes finished or timed out.
     */
    public void probeNow() {
        probes.probeAll();
    }

    /** Stops the active probes. Calls in progress finish; the router stays usable without probes. */
    @Override
    public void close() {
        probes.close();
    }

    private DeploymentState find(String id) {
        DeploymentState state = id == null ? null : deployments.get(id);
        if (state == null) {
            throw BatonException.notFound("deployment", String.valueOf(id));
        }
        return state;
    }

    private Route route(String alias, ModelKind kind) {
        Route route = routes.get(alias);
        if (route == null) {
            throw new BatonException(ErrorCode.NOT_FOUND, "model '" + alias + "' does not exist (known models: "
                    + String.join(", ", routes.keySet().stream().sorted().toList()) + ")");
        }
        if (route.alias().kind() != kind) {
            String use = route.alias().kind() == ModelKind.EMBEDDING ? "embeddings" : "chat completions";
            throw BatonException.invalidInput("model", "'" + alias + "' is " + article(route.alias().kind())
                    + " model; use it for " + use);
        }
        return route;
    }

    private static String article(ModelKind kind) {
        return kind == ModelKind.EMBEDDING ? "an embedding" : "a chat";
    }

    /** Admits the call under the caller's limits, routes it, and settles the caller's tokens with the real usage. */
    private <T> Failover.Routed<T> routed(CallContext call, Route route, ExpectedTokens estimate,
                                          Operation<T> operation) {
        Objects.requireNonNull(call, "call");
        RateLimit.Permit permit;
        try {
            permit = callers.admit(call.principal(), estimate.tokens());
        } catch (BatonException e) {
            if (e.code() == ErrorCode.RATE_LIMITED) {
                refusedByKey.increment();
            }
            throw e;
        }
        QuotaBuckets.Permit quota;
        try {
            quota = quotas.admitTokens(call.tenantId(), call.keyId(), estimate.tokens());
        } catch (RuntimeException e) {
            permit.refund();
            throw e;
        }
        Failover.Routed<T> routed;
        try {
            routed = failover.run(route, estimate.tokens(), operation);
        } catch (RuntimeException | Error e) {
            // A stream cut after chunks went out consumed tokens upstream: charged, not given back (otherwise
            // cutting streams just before their end would make them free under tokensPerMinute).
            long consumed = operation.consumedOnFailure().totalTokens();
            if (consumed > 0) {
                permit.settle(consumed);
                quota.settle(consumed);
            } else {
                permit.refund();
                quota.refund();
            }
            if (e instanceof BatonException baton && baton.code() == ErrorCode.RATE_LIMITED) {
                refusedByDeployments.increment();
            }
            throw e;
        }
        long used = operation.usage(routed.result()).totalTokens();
        permit.settle(used);
        quota.settle(used);
        return routed;
    }

    private Served served(Failover.Routed<?> routed, Usage usage, Duration timeToFirstToken) {
        Deployment d = routed.deployment().deployment();
        return new Served(routed.alias(), d.id(), d.provider(), d.upstreamModel(), routed.attempts(),
                Duration.between(routed.started(), clock.instant()), timeToFirstToken, d.pricing().cost(usage), false);
    }
}
