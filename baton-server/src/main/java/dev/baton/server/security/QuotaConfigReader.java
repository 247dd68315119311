package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.security.Quotas;
import dev.baton.gateway.config.ConfigTree;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code security.defaultQuotas} and {@code security.tenants.<id>.quotas} into {@link QuotaSettings}. Strict:
 * an unknown key fails with a "did you mean". A tenant's {@code quotas:} replaces only the values it sets; the rest
 * come from {@code defaultQuotas}. Stateless.
 *
 * <pre>{@code
 * security:
 *   defaultQuotas:            # every tenant; 0 or absent = no limit
 *     requestsPerMinute: 600
 *     tokensPerMinute: 100000
 *     maxConcurrentRuns: 20
 *     dailyTokens: 2000000
 *     dailyCostUsd: 50
 *     monthlyTokens: 40000000
 *     monthlyCostUsd: 1000
 *   tenants:
 *     acme:
 *       quotas: {requestsPerMinute: 1200, monthlyCostUsd: 5000}
 * }</pre>
 */
public final class QuotaConfigReader {
    /** The keys of a {@code quotas:} mapping (the components of {@link Quotas}). */
    public static final Set<String> QUOTA_KEYS = Set.of("requestsPerMinute", "tokensPerMinute", "maxConcurrentRuns",
            "dailyTokens", "dailyCostUsd", "monthlyTokens", "monthlyCostUsd");
    private static final Set<String> TENANT_KEYS = Set.of("quotas");
    private static final double MAX_USD = 1e12;

    private QuotaConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @param env      the environment (no quota setting has a variable: tenants are configured in the file)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the setting
     */
    public static QuotaSettings read(JsonNode security, Map<String, String> env) {
        ConfigTree root = new ConfigTree(SecurityConfigReader.SECTION, security);
        Quotas defaults = quotas(root.get("defaultQuotas"), Quotas.NONE);
        Map<String, Quotas> tenants = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigTree> tenant : root.get("tenants").entries().entrySet()) {
            if (!SecurityConfig.TENANT_ID.matcher(tenant.getKey()).matches()) {
                throw ConfigTree.invalid(tenant.getValue().path(), "tenant ids are 1..64 letters, digits, '.', '_'"
                        + " or '-', starting with a letter or digit; got '" + tenant.getKey() + "'");
            }
            ConfigTree settings = tenant.getValue().fields(TENANT_KEYS);
            tenants.put(tenant.getKey(), quotas(settings.get("quotas"), defaults));
        }
        return new QuotaSettings(defaults, tenants);
    }

    /**
     * Reads one {@code quotas:} mapping; absent values come from {@code base}.
     *
     * @throws dev.baton.core.error.BatonException INVALID_INPUT naming the value
     */
    public static Quotas quotas(ConfigTree tree, Quotas base) {
        tree.fields(QUOTA_KEYS);
        return new Quotas(
                tree.get("requestsPerMinute").integer(base.requestsPerMinute(), 0, Long.MAX_VALUE / 2),
                tree.get("tokensPerMinute").integer(base.tokensPerMinute(), 0, Long.MAX_VALUE / 2),
                (int) tree.get("maxConcurrentRuns").integer(base.maxConcurrentRuns(), 0, 1_000_000),
                tree.get("dailyTokens").integer(base.dailyTokens(), 0, Long.MAX_VALUE / 2),
                tree.get("dailyCostUsd").decimal(base.dailyCostUsd(), 0, MAX_USD),
                tree.get("monthlyTokens").integer(base.monthlyTokens(), 0, Long.MAX_VALUE / 2),
                tree.get("monthlyCostUsd").decimal(base.monthlyCostUsd(), 0, MAX_USD));
    }
}
