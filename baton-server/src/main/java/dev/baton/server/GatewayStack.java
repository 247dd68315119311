package dev.baton.server;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.gateway.InProcessEmbeddingProvider;
import dev.baton.ai.gateway.LocalModelAliases;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.config.Deployment;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.config.ModelAlias;
import dev.baton.gateway.api.ModelInfo;
import dev.baton.gateway.provider.Provider;
import dev.baton.gateway.provider.anthropic.AnthropicProvider;
import dev.baton.gateway.provider.openai.OpenAiProvider;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.security.HostResolver;
import dev.baton.gateway.provider.http.UpstreamHttp;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.limits.LocalBuckets;
import dev.baton.gateway.routing.Router;
import dev.baton.gateway.tracing.TracedGateway;
import dev.baton.gateway.routing.Sleeper;
import dev.baton.gateway.usage.BudgetLedger;
import dev.baton.gateway.usage.LocalBudgetAccounts;
import dev.baton.gateway.quota.QuotaSource;
import dev.baton.gateway.CallContext;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.gateway.usage.MeteredGateway;
import dev.baton.gateway.usage.UsageListener;
import dev.baton.gateway.usage.UsageRecorder;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.server.logging.SecretMask;
import dev.baton.server.openai.ClientKeys;
import dev.baton.store.jdbc.JdbcBudgets;
import dev.baton.store.jdbc.JdbcBuckets;
import dev.baton.store.jdbc.JdbcStores;
import io.opentelemetry.api.OpenTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Assembles a node's AI gateway from {@code gateway:} configuration, outermost first:
 * {@link MeteredGateway} (budgets, usage records written by a {@link UsageRecorder} to the node's usage store)
 * → {@link CachingGateway} (exact-match cache) → {@link Router} (aliases, load balancing, breakers, health,
 * retries, failover, fallbacks, rate limits, with token buckets per node or, on a cluster's PostgreSQL, shared; also
 * the {@link dev.baton.gateway.admin.GatewayAdmin}) → one
 * {@link Provider} per type: {@code openai} ({@link OpenAiProvider}), {@code anthropic}
 * ({@link AnthropicProvider}), {@code local} ({@link InProcessEmbeddingProvider} over the node's embedding
 * models). With tracing on, {@link TracedGateway} goes around it all (a span per call) and the HTTP providers share
 * one {@link UpstreamHttp} that records a span per upstream attempt and sends its {@code traceparent}.
 *
 * <p>The in-process embedding model is added as an embedding alias named after it with one {@code local}
 * deployment ({@link LocalModelAliases}), unless the configuration defines that alias itself, so
 * {@code /v1/embeddings} works with no upstream configured. Client API keys are resolved here, at start.
 */
final class GatewayStack {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayStack.class);

    private GatewayStack() {
    }

    /**
     * Builds the stack.
     *
     * @param localModel  the in-process model's name, or {@code null} when the model is disabled
     * @param models      the node's embedding models (the {@code local} provider serves them)
     * @param usage       where usage records go (and budgets are seeded from after a restart)
     * @param environment resolves {@code env:} secret references (API keys of deployments and clients)
     * @throws BatonException INVALID_INPUT when the configuration cannot be served (an unset key variable, a
     *                        provider type without implementation, a deployment id that clashes with the local one)
     */
    static NodeGateway assemble(GatewayConfig configured, String localModel, EmbeddingModelRegistry models,
                                UsageStore usage, Map<String, String> environment, InstantSource clock) {
        return assemble(configured, localModel, models, usage, environment, clock, UsageListener.NONE,
                OpenTelemetry.noop());
    }

    /**
     * As {@link #assemble(GatewayConfig, String, EmbeddingModelRegistry, UsageStore, Map, InstantSource)}, telling
     * {@code listener} (metrics) every usage record.
     *
     * @param openTelemetry where gateway and upstream spans go ({@link OpenTelemetry#noop()}: not traced)
     */
    static NodeGateway assemble(GatewayConfig configured, String localModel, EmbeddingModelRegistry models,
                                UsageStore usage, Map<String, String> environment, InstantSource clock,
                                UsageListener listener, OpenTelemetry openTelemetry) {
        return assemble(configured, localModel, models, usage, environment, clock, listener, openTelemetry, null);
    }

    /**
     * As above; with {@code shared} set (the node is one of several on a PostgreSQL store) the token buckets
     * ({@link JdbcBuckets}) and budget accounts ({@link JdbcBudgets}) live in that database, so rate limits and
     * budgets hold for the cluster; otherwise they are kept in this node's memory. The response cache, breakers,
     * health and latency figures stay per node either way (docs/gateway.md, "Several nodes").
     *
     * @param shared the stores shared by the cluster, or {@code null} for a single node
     */
    static NodeGateway assemble(GatewayConfig configured, String localModel, EmbeddingModelRegistry models,
                                UsageStore usage, Map<String, String> environment, InstantSource clock,
                                UsageListener listener, OpenTelemetry openTelemetry, JdbcStores shared) {
        return assemble(configured, localModel, models, usage, environment, clock, listener, openTelemetry, shared,
                EgressPolicy.DEFAULT, HostResolver.SYSTEM, null, QuotaSource.NONE);
    }

    /**
     * As above, with the node's egress policy, its token buckets and the quotas of tenants and API keys.
     *
     * <p>Egress: every deployment's base URL is checked now ({@link DeploymentEgress#check}) and before every
     * upstream exchange ({@link UpstreamHttp}). Quotas: their tokens per minute are enforced by the router, their
     * day and month budgets by the budget ledger.
     *
     * @param egress   the node's egress policy ({@code security.egress})
     * @param resolver where host names are looked up
     * @param buckets  the node's bucket store (shared with the API's request quotas), or {@code null}: per node,
     *                 or the cluster's when {@code shared} is set
     * @param quotas   whose quotas apply to a call ({@link CallContext#tenantId()}, {@link CallContext#keyId()})
     * @throws BatonException INVALID_INPUT also when a base URL's host has no address the policy allows
     */
    static NodeGateway assemble(GatewayConfig configured, String localModel, EmbeddingModelRegistry models,
                                UsageStore usage, Map<String, String> environment, InstantSource clock,
                                UsageListener listener, OpenTelemetry openTelemetry, JdbcStores shared,
                                EgressPolicy egress, HostResolver resolver, BucketStore buckets,
                                QuotaSource quotas) {
        GatewayConfig config = withLocalModel(configured, localModel);
        checkSecrets(config, environment);
        DeploymentEgress.check(config, egress, resolver);
        ClientKeys keys = ClientKeys.resolve(config.keys(), environment);
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            UpstreamHttp http = new UpstreamHttp(InstantSource.system(), openTelemetry, egress, resolver);
            closers.add(http);
            OpenAiProvider openAi = new OpenAiProvider(environment, http);
            AnthropicProvider anthropic = new AnthropicProvider(environment, http);
            Map<String, Provider> providers = Map.of(
                    OpenAiProvider.TYPE, openAi,
                    AnthropicProvider.TYPE, anthropic,
                    InProcessEmbeddingProvider.TYPE, new InProcessEmbeddingProvider(models));
            BucketStore store = buckets != null ? buckets : buckets(shared, clock);
            Router router = new Router(config, providers, clock, new SplittableRandom(), Sleeper.SYSTEM, store,
                    quotas);
            closers.addFirst(router);
            UsageRecorder recorder = new UsageRecorder(usage, listener);
            closers.addFirst(recorder);
            CachingGateway cache = new CachingGateway(router, config.cache());
            BudgetLedger ledger;
            if (shared == null) {
                ledger = new BudgetLedger(config, new LocalBudgetAccounts(usage, BudgetLedger.DEFAULT_IDLE_EXPIRY,
                        Ticker.systemTicker()), quotas, clock);
            } else {
                JdbcBudgets budgets = shared.gatewayBudgets(JdbcBudgets.DEFAULT_RESERVATION_TTL);
                closers.add(budgets);
                ledger = new BudgetLedger(config, budgets, quotas, clock);
            }
            MeteredGateway metered = new MeteredGateway(cache, config, ledger, recorder, clock);
            LOG.info("AI gateway: {} model alias(es), {} client key(s), rate limits and budgets {}",
                    config.models().size(), config.keys().size(),
                    shared == null ? "per node" : "shared by the cluster (PostgreSQL)");
            return new NodeGateway(TracedGateway.wrap(metered, openTelemetry), router, usage, keys, cache,
                    () -> closeAll(closers));
        } catch (RuntimeException e) {
            closeAll(closers);
            throw e;
        }
    }

    /** The gateway's token buckets: in this node's memory, or the cluster's ({@code shared}, PostgreSQL). */
    static BucketStore buckets(JdbcStores shared, InstantSource clock) {
        return shared == null ? new LocalBuckets(clock) : shared.gatewayBuckets(clock);
    }

    /** {@code config} plus the in-process model's alias, unless the configuration defines that name itself. */
    static GatewayConfig withLocalModel(GatewayConfig config, String localModel) {
        if (localModel == null) {
            return config;
        }
        if (config.models().containsKey(localModel)) {
            LOG.info("model alias {} is configured; the in-process model is not served under that name", localModel);
            return config;
        }
        ModelAlias alias = LocalModelAliases.alias(localModel);
        try {
            return config.withModel(alias);
        } catch (IllegalArgumentException e) {
            throw BatonException.invalidInput("gateway.models", "the in-process model's deployment id '"
                    + alias.deployments().getFirst().id() + "' is taken by a configured deployment; rename it");
        }
    }

    /**
     * Reads every deployment's API key once, so that an unset variable or unreadable file stops the node at start
     * with the setting's path, instead of failing requests later (the providers read the secret again on each
     * call, so a rotated file is picked up). The values are discarded.
     *
     * @throws BatonException INVALID_INPUT naming {@code gateway.models.<alias>.deployments[i].apiKey}
     */
    static void checkSecrets(GatewayConfig config, Map<String, String> environment) {
        for (ModelAlias alias : config.models().values()) {
            for (int i = 0; i < alias.deployments().size(); i++) {
                Deployment deployment = alias.deployments().get(i);
                if (deployment.apiKey() == null) {
                    continue;
                }
                try {
                    // masked in every log line from now on, wherever it turns up (e.g. echoed by an upstream)
                    SecretMask.remember(deployment.apiKey().resolve(environment));
                } catch (BatonException e) {
                    throw BatonException.invalidInput("gateway.models." + alias.name() + ".deployments[" + i
                            + "].apiKey", e.getMessage());
                }
            }
        }
    }

    /**
     * The aliases {@code config} serves, as {@link dev.baton.gateway.Gateway#models()} lists them (sorted by
     * name): what workflow validation checks model names against before the gateway itself is built.
     */
    static List<ModelInfo> models(GatewayConfig config) {
        return config.models().values().stream()
                .sorted(Comparator.comparing(ModelAlias::name))
                .map(a -> new ModelInfo(a.name(), a.kind(),
                        a.deployments().stream().map(Deployment::id).toList(), a.fallbacks()))
                .toList();
    }

    /** Closes in order (recorder first: it flushes), logging failures; never throws. */
    private static void closeAll(List<AutoCloseable> closers) {
        for (AutoCloseable closer : closers) {
            try {
                closer.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", closer.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
