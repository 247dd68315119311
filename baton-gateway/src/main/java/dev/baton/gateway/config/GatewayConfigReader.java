package dev.baton.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.gateway.api.ModelKind;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code gateway:} section of {@code baton.yaml} (a Jackson tree from YAML or JSON) into a
 * {@link GatewayConfig}. Strict: an unknown key, a value of the wrong type or out of range, a literal secret,
 * a duplicate id or an unknown fallback fails with {@link dev.baton.core.error.BatonException}
 * {@code INVALID_INPUT} whose one {@link dev.baton.core.error.FieldError} names the exact path, e.g.
 * {@code gateway.models.fast.deployments[1].wieght} with "did you mean 'weight'?".
 *
 * <pre>{@code
 * gateway:
 *   models:
 *     fast:                                  # the alias callers send as "model"
 *       kind: chat                           # chat | embedding
 *       strategy: round-robin                # round-robin | weighted | least-busy | latency | priority
 *       fallbacks: [local-llm]
 *       deployments:
 *         - id: openai-main
 *           provider: openai                 # openai (any OpenAI-compatible server) | anthropic
 *           baseUrl: https://api.openai.com/v1
 *           model: gpt-4o-mini
 *           apiKey: env:OPENAI_API_KEY       # or file:/run/secrets/openai
 *           weight: 1
 *           limits: {rpm: 500, tpm: 200000}
 *           timeouts: {connect: 5s, read: 60s, total: 120s, firstToken: 30s, idle: 30s}
 *           pricing: {input: 0.15, output: 0.60}   # USD per 1M tokens
 *           breaker: {failureRateThreshold: 50, windowSize: 20, openDuration: 30s}
 *           headers: {OpenAI-Organization: org-123}
 *           enabled: true
 *   keys:
 *     - {id: team-a, secret: env:BATON_KEY_TEAM_A, limits: {rpm: 60}, budget: {maxCostUsd: 25}}
 *   anonymous: {rpm: 0, tpm: 0}
 *   runBudget: {maxTokens: 200000, maxCostUsd: 2}
 *   retry: {maxAttempts: 3, initialDelay: 100ms, maxDelay: 5s, multiplier: 2}
 *   cache: {enabled: true, ttl: 1h, maxEntries: 10000}
 *   health: {probeInterval: 30s, probeTimeout: 5s}
 * }</pre>
 *
 * <p>Secrets are only references ({@link SecretRef}); they are not resolved here (the providers and the API
 * key check resolve them). Stateless; thread-safe.
 */
public final class GatewayConfigReader {
    /** The section's name in {@code baton.yaml}, the root of every error path. */
    public static final String SECTION = "gateway";
    /** Provider types a configured deployment may use ({@code local} is added by the node itself). */
    public static final Set<String> PROVIDERS = Set.of("openai", "anthropic");

    private static final Set<String> ROOT = Set.of("models", "keys", "anonymous", "runBudget", "retry", "cache",
            "health");
    private static final Set<String> ALIAS = Set.of("kind", "strategy", "fallbacks", "deployments");
    private static final Set<String> DEPLOYMENT = Set.of("id", "provider", "baseUrl", "model", "apiKey", "weight",
            "limits", "timeouts", "pricing", "breaker", "headers", "enabled");
    private static final Set<String> LIMITS = Set.of("rpm", "tpm");
    private static final Set<String> TIMEOUTS = Set.of("connect", "read", "total", "firstToken", "idle");
    private static final Set<String> PRICING = Set.of("input", "output");
    private static final Set<String> BREAKER = Set.of("enabled", "failureRateThreshold", "slowCallRateThreshold",
            "slowCallDuration", "windowSize", "minimumCalls", "openDuration", "halfOpenCalls");
    private static final Set<String> KEY = Set.of("id", "secret", "limits", "budget");
    private static final Set<String> BUDGET = Set.of("maxTokens", "maxCostUsd");
    private static final Set<String> RETRY = Set.of("maxAttempts", "initialDelay", "maxDelay", "multiplier");
    private static final Set<String> CACHE = Set.of("enabled", "ttl", "maxEntries");
    private static final Set<String> HEALTH = Set.of("probeInterval", "probeTimeout");
    /** Headers that carry credentials: those belong in {@code apiKey}, as a reference. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization",
            "x-api-key", "api-key");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Map<String, ModelKind> KINDS = ordered("chat", ModelKind.CHAT, "embedding", ModelKind.EMBEDDING);
    private static final Map<String, Strategy> STRATEGIES = strategies();
    private static final long MAX_LIMIT = 1_000_000_000_000L;

    private GatewayConfigReader() {
    }

    /**
     * Reads the section.
     *
     * @param section the {@code gateway:} tree; {@code null}, missing or YAML null gives {@link GatewayConfig#EMPTY}
     * @throws dev.baton.core.error.BatonException {@code INVALID_INPUT} naming the offending path
     */
    public static GatewayConfig read(JsonNode section) {
        ConfigTree root = new ConfigTree(SECTION, section).fields(ROOT);
        if (root.isMissing()) {
            return GatewayConfig.EMPTY;
        }
        Map<String, ModelAlias> models = new LinkedHashMap<>();
        Map<String, ConfigTree> aliasTrees = root.get("models").entries();
        Set<String> deploymentIds = new HashSet<>();
        aliasTrees.forEach((name, tree) -> models.put(name, alias(name, tree, deploymentIds)));
        checkFallbacks(models, aliasTrees);

        List<ClientKey> keys = new ArrayList<>();
        Set<String> keyIds = new HashSet<>();
        for (ConfigTree tree : root.get("keys").elements()) {
            ClientKey key = key(tree);
            if (!keyIds.add(key.id())) {
                throw ConfigTree.invalid(tree.get("id").path(), "key id '" + key.id() + "' appears twice");
            }
            keys.add(key);
        }
        GatewayConfig defaults = GatewayConfig.EMPTY;
        return root.build(t -> new GatewayConfig(models, keys,
                limits(t.get("anonymous"), defaults.anonymous()),
                budget(t.get("runBudget")),
                retry(t.get("retry")),
                cache(t.get("cache")),
                health(t.get("health"))));
    }

    private static ModelAlias alias(String name, ConfigTree tree, Set<String> deploymentIds) {
        if (!NAME.matcher(name).matches()) {
            throw ConfigTree.invalid(tree.path(), "a model alias is 1-128 letters, digits and . _ : / @ - "
                    + "starting with a letter or digit, got '" + name + "'");
        }
        tree.fields(ALIAS);
        if (tree.isMissing()) {
            throw ConfigTree.invalid(tree.path(), "needs at least one deployment");
        }
        ModelKind kind = tree.get("kind").choice(ModelKind.CHAT, KINDS);
        Strategy strategy = tree.get("strategy").choice(Strategy.ROUND_ROBIN, STRATEGIES);
        List<String> fallbacks = new ArrayList<>();
        for (ConfigTree fallback : tree.get("fallbacks").elements()) {
            String target = fallback.requiredText();
            if (target.equals(name)) {
                throw ConfigTree.invalid(fallback.path(), "a model cannot fall back to itself");
            }
            fallbacks.add(target);
        }
        List<ConfigTree> deploymentTrees = tree.get("deployments").elements();
        if (deploymentTrees.isEmpty()) {
            throw ConfigTree.invalid(tree.get("deployments").path(), "needs at least one deployment");
        }
        List<Deployment> deployments = new ArrayList<>();
        for (ConfigTree d : deploymentTrees) {
            Deployment deployment = deployment(d);
            if (!deploymentIds.add(deployment.id())) {
                throw ConfigTree.invalid(d.get("id").path(), "deployment id '" + deployment.id()
                        + "' is already used (ids are unique across all models)");
            }
            deployments.add(deployment);
        }
        return tree.build(t -> new ModelAlias(name, kind, strategy, deployments, fallbacks));
    }

    private static Deployment deployment(ConfigTree tree) {
        tree.fields(DEPLOYMENT);
        if (tree.isMissing()) {
            throw ConfigTree.invalid(tree.path(), "must be a mapping with id, provider, baseUrl and model");
        }
        String id = tree.get("id").requiredText();
        if (!ID.matcher(id).matches()) {
            throw ConfigTree.invalid(tree.get("id").path(), "a deployment id is 1-128 letters, digits and . _ - "
                    + "starting with a letter or digit, got '" + id + "'");
        }
        String provider = tree.get("provider").choice(null, ordered("openai", "openai", "anthropic", "anthropic"));
        if (provider == null) {
            throw ConfigTree.invalid(tree.get("provider").path(), "is required: openai or anthropic");
        }
        URI baseUrl = baseUrl(tree.get("baseUrl"));
        String model = tree.get("model").requiredText();
        SecretRef apiKey = tree.get("apiKey").secret();
        int weight = (int) tree.get("weight").integer(1, 1, 1_000_000);
        Map<String, String> headers = headers(tree.get("headers"));
        return tree.build(t -> new Deployment(id, provider, baseUrl, model, apiKey, weight,
                limits(t.get("limits"), RateLimits.UNLIMITED), timeouts(t.get("timeouts")), pricing(t.get("pricing")),
                breaker(t.get("breaker")), headers, t.get("enabled").bool(true)));
    }

    private static URI baseUrl(ConfigTree tree) {
        String text = tree.requiredText();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw ConfigTree.invalid(tree.path(), "must be an absolute http(s) URL such as "
                        + "https://api.openai.com/v1, got '" + text + "'");
            }
            if (uri.getUserInfo() != null) {
                throw ConfigTree.invalid(tree.path(), "must not contain credentials; use apiKey: env:NAME");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ConfigTree.invalid(tree.path(), "is not a valid URL: " + e.getReason());
        }
    }

    private static Map<String, String> headers(ConfigTree tree) {
        Map<String, String> headers = new LinkedHashMap<>();
        tree.entries().forEach((name, value) -> {
            if (CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw ConfigTree.invalid(value.path(), "credentials do not belong in headers; set apiKey to a "
                        + "secret reference (env:NAME or file:/path)");
            }
            headers.put(name, value.requiredText());
        });
        return headers;
    }

    private static RateLimits limits(ConfigTree tree, RateLimits defaults) {
        tree.fields(LIMITS);
        return tree.build(t -> new RateLimits(
                t.get("rpm").integer(defaults.requestsPerMinute(), 0, MAX_LIMIT),
                t.get("tpm").integer(defaults.tokensPerMinute(), 0, MAX_LIMIT)));
    }

    private static Timeouts timeouts(ConfigTree tree) {
        tree.fields(TIMEOUTS);
        Timeouts d = Timeouts.DEFAULT;
        return tree.build(t -> new Timeouts(
                positive(t.get("connect"), d.connect()),
                positive(t.get("read"), d.read()),
                positive(t.get("total"), d.total()),
                positive(t.get("firstToken"), d.firstToken()),
                positive(t.get("idle"), d.idle())));
    }

    private static Duration positive(ConfigTree tree, Duration fallback) {
        Duration value = tree.duration(fallback);
        if (value.isZero()) {
            throw ConfigTree.invalid(tree.path(), "must be longer than 0");
        }
        return value;
    }

    private static Pricing pricing(ConfigTree tree) {
        tree.fields(PRICING);
        return tree.build(t -> new Pricing(
                t.get("input").decimal(0, 0, 1_000_000),
                t.get("output").decimal(0, 0, 1_000_000)));
    }

    private static BreakerSettings breaker(ConfigTree tree) {
        tree.fields(BREAKER);
        BreakerSettings d = BreakerSettings.DEFAULT;
        return tree.build(t -> new BreakerSettings(
                t.get("enabled").bool(d.enabled()),
                (float) t.get("failureRateThreshold").decimal(d.failureRateThreshold(), 1, 100),
                (float) t.get("slowCallRateThreshold").decimal(d.slowCallRateThreshold(), 1, 100),
                positive(t.get("slowCallDuration"), d.slowCallDuration()),
                (int) t.get("windowSize").integer(d.windowSize(), 1, 100_000),
                (int) t.get("minimumCalls").integer(d.minimumCalls(), 1, 100_000),
                positive(t.get("openDuration"), d.openDuration()),
                (int) t.get("halfOpenCalls").integer(d.halfOpenCalls(), 1, 100_000)));
    }

    private static ClientKey key(ConfigTree tree) {
        tree.fields(KEY);
        if (tree.isMissing()) {
            throw ConfigTree.invalid(tree.path(), "must be a mapping with id and secret");
        }
        String id = tree.get("id").requiredText();
        if (!ID.matcher(id).matches()) {
            throw ConfigTree.invalid(tree.get("id").path(), "a key id is 1-128 letters, digits and . _ - "
                    + "starting with a letter or digit, got '" + id + "'");
        }
        SecretRef secret = tree.get("secret").secret();
        if (secret == null) {
            throw ConfigTree.invalid(tree.get("secret").path(), "is required: env:VARIABLE or file:/path");
        }
        return tree.build(t -> new ClientKey(id, secret, limits(t.get("limits"), RateLimits.UNLIMITED),
                budget(t.get("budget"))));
    }

    private static Budget budget(ConfigTree tree) {
        tree.fields(BUDGET);
        return tree.build(t -> new Budget(
                t.get("maxTokens").integer(0, 0, Long.MAX_VALUE),
                t.get("maxCostUsd").decimal(0, 0, 1e12)));
    }

    private static RetrySettings retry(ConfigTree tree) {
        tree.fields(RETRY);
        RetrySettings d = RetrySettings.DEFAULT;
        return tree.build(t -> new RetrySettings(
                (int) t.get("maxAttempts").integer(d.maxAttempts(), 1, 100),
                t.get("initialDelay").duration(d.initialDelay()),
                t.get("maxDelay").duration(d.maxDelay()),
                t.get("multiplier").decimal(d.multiplier(), 1, 100)));
    }

    private static CacheSettings cache(ConfigTree tree) {
        tree.fields(CACHE);
        CacheSettings d = CacheSettings.DEFAULT;
        return tree.build(t -> new CacheSettings(
                t.get("enabled").bool(d.enabled()),
                positive(t.get("ttl"), d.ttl()),
                t.get("maxEntries").integer(d.maxEntries(), 1, 1_000_000_000)));
    }

    private static HealthSettings health(ConfigTree tree) {
        tree.fields(HEALTH);
        HealthSettings d = HealthSettings.DEFAULT;
        return tree.build(t -> new HealthSettings(
                t.get("probeInterval").duration(d.probeInterval()),
                positive(t.get("probeTimeout"), d.probeTimeout())));
    }

    /** Every fallback names another alias of the same kind. */
    private static void checkFallbacks(Map<String, ModelAlias> models, Map<String, ConfigTree> trees) {
        models.forEach((name, alias) -> {
            List<ConfigTree> entries = trees.get(name).get("fallbacks").elements();
            for (int i = 0; i < alias.fallbacks().size(); i++) {
                String fallback = alias.fallbacks().get(i);
                String path = entries.get(i).path();
                ModelAlias target = models.get(fallback);
                if (target == null) {
                    String closest = ConfigTree.closest(fallback, models.keySet());
                    throw ConfigTree.invalid(path, "unknown model '" + fallback + "'"
                            + (closest != null ? "; did you mean '" + closest + "'?" : "")
                            + " Models: " + String.join(", ", models.keySet().stream().sorted().toList()));
                }
                if (target.kind() != alias.kind()) {
                    throw ConfigTree.invalid(path, "'" + fallback + "' is a " + configName(target.kind())
                            + " model; a " + configName(alias.kind()) + " model can only fall back to "
                            + configName(alias.kind()) + " models");
                }
            }
        });
    }

    /** The configuration name of a strategy, e.g. {@code round-robin}. */
    public static String configName(Strategy strategy) {
        return strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The configuration name of a kind, e.g. {@code embedding}. */
    public static String configName(ModelKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Strategy> strategies() {
        Map<String, Strategy> byName = new LinkedHashMap<>();
        for (Strategy s : Strategy.values()) {
            byName.put(configName(s), s);
        }
        return byName;
    }

    private static <T> Map<String, T> ordered(String k1, T v1, String k2, T v2) {
        Map<String, T> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
