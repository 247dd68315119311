package dev.baton.gateway.config;

import dev.baton.gateway.api.ModelKind;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole gateway configuration.
 *
 * @param models    model aliases by name
 * @param keys      client API keys; empty = the API is open and every caller is {@code anonymous}
 * @param anonymous limits applied to anonymous callers (when {@code keys} is empty)
 * @param runBudget the budget of each workflow run, over all its {@code llm.*} steps
 * @param retry     retry/failover settings of every alias
 * @param cache     the response cache
 * @param health    active health probes
 */
public record GatewayConfig(Map<String, ModelAlias> models, List<ClientKey> keys, RateLimits anonymous,
                            Budget runBudget, RetrySettings retry, CacheSettings cache, HealthSettings health) {

    /** No models besides those the node adds itself (the in-process embedding model), no keys. */
    public static final GatewayConfig EMPTY = new GatewayConfig(Map.of(), List.of(), RateLimits.UNLIMITED,
            Budget.NONE, RetrySettings.DEFAULT, CacheSettings.DEFAULT, HealthSettings.DEFAULT);

    public GatewayConfig {
        models = Map.copyOf(models);
        keys = List.copyOf(keys);
        Objects.requireNonNull(anonymous, "anonymous");
        Objects.requireNonNull(runBudget, "runBudget");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(health, "health");
        var deploymentIds = new HashSet<String>();
        for (var entry : models.entrySet()) {
            ModelAlias alias = entry.getValue();
            if (!alias.name().equals(entry.getKey())) {
                throw new IllegalArgumentException("model key " + entry.getKey() + " != alias " + alias.name());
            }
            for (Deployment d : alias.deployments()) {
                if (!deploymentIds.add(d.id())) {
                    throw new IllegalArgumentException("deployment id " + d.id() + " is used by two models");
                }
            }
            for (String fallback : alias.fallbacks()) {
                ModelAlias target = models.get(fallback);
                if (target == null) {
                    throw new IllegalArgumentException("model " + alias.name() + ": unknown fallback " + fallback);
                }
                if (target.kind() != alias.kind()) {
                    throw new IllegalArgumentException("model " + alias.name() + ": fallback " + fallback
                            + " is a " + target.kind() + " model, not " + alias.kind());
                }
            }
        }
        var keyIds = new HashSet<String>();
        for (ClientKey key : keys) {
            if (!keyIds.add(key.id())) {
                throw new IllegalArgumentException("key id " + key.id() + " appears twice");
            }
        }
    }

    /** This configuration with {@code alias} added (or replaced). */
    public GatewayConfig withModel(ModelAlias alias) {
        var copy = new HashMap<>(models);
        copy.put(alias.name(), alias);
        return new GatewayConfig(copy, keys, anonymous, runBudget, retry, cache, health);
    }

    /** The alias's kind, or {@code null} when there is no such alias. */
    public ModelKind kindOf(String alias) {
        ModelAlias a = models.get(alias);
        return a == null ? null : a.kind();
    }
}
