package dev.baton.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link QuotaSource} of a node: a tenant's quotas from {@link QuotaSettings} ({@code security.tenants.<id>}
 * or {@code security.defaultQuotas}), a stored API key's from {@link ApiKey#quotas()}. Key quotas are read from the
 * {@link ApiKeyStore} and kept for {@link #KEY_CACHE_TTL} (a key's quotas are set when it is created; a revoked key
 * no longer authenticates, so a stale entry is never used for long). Thread-safe.
 */
public final class TenantQuotas implements QuotaSource {
    /** How long a key's quotas are cached. */
    public static final Duration KEY_CACHE_TTL = Duration.ofMinutes(1);

    private final QuotaSettings settings;
    private final ApiKeyStore keys;
    private final Cache<String, Quotas> keyQuotas;

    /**
     * @param keys where stored API keys' quotas are read, or {@code null} when the node keeps no keys
     * @param ticker time source of the cache expiry
     */
    public TenantQuotas(QuotaSettings settings, ApiKeyStore keys, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = keys;
        this.keyQuotas = Caffeine.newBuilder().expireAfterWrite(KEY_CACHE_TTL).maximumSize(100_000)
                .ticker(Objects.requireNonNull(ticker, "ticker")).executor(Runnable::run).build();
    }

    /** The quota settings. */
    public QuotaSettings settings() {
        return settings;
    }

    @Override
    public List<QuotaScope> scopes(String tenantId, String keyId) {
        List<QuotaScope> scopes = new ArrayList<>(2);
        if (tenantId != null) {
            Quotas tenant = settings.of(tenantId);
            if (tenant.isLimited()) {
                scopes.add(new QuotaScope(QuotaScope.Kind.TENANT, tenantId, tenant, settings.field(tenantId)));
            }
        }
        if (keyId != null && keys != null && tenantId != null) {
            Quotas key = keyQuotas.get(tenantId + "/" + keyId, unused -> keys.find(tenantId, keyId)
                    .map(ApiKey::quotas).orElse(Quotas.NONE));
            if (key.isLimited()) {
                scopes.add(new QuotaScope(QuotaScope.Kind.KEY, keyId, key, "key." + keyId + ".quotas"));
            }
        }
        return scopes;
    }
}
