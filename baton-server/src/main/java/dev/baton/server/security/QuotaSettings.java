package dev.baton.server.security;

import dev.baton.core.security.Quotas;

import java.util.Map;
import java.util.Objects;

/**
 * The {@code security.defaultQuotas} and {@code security.tenants.<id>.quotas} settings (read by
 * {@link QuotaConfigReader}; documented in docs/security.md, "Quotas").
 *
 * @param defaults the quotas of every tenant without its own ({@link Quotas#NONE} by default)
 * @param tenants  per tenant id, its quotas: the defaults with the values its {@code quotas:} sets replaced
 */
public record QuotaSettings(Quotas defaults, Map<String, Quotas> tenants) {
    /** No quotas for anyone. */
    public static final QuotaSettings DEFAULT = new QuotaSettings(Quotas.NONE, Map.of());

    public QuotaSettings {
        Objects.requireNonNull(defaults, "defaults");
        tenants = Map.copyOf(tenants);
    }

    /** The quotas of {@code tenantId}: its own, else the defaults. */
    public Quotas of(String tenantId) {
        return tenants.getOrDefault(tenantId, defaults);
    }

    /** The setting {@link #of} took {@code tenantId}'s quotas from: its own section, or the defaults. */
    public String field(String tenantId) {
        return tenants.containsKey(tenantId) ? "security.tenants." + tenantId + ".quotas" : "security.defaultQuotas";
    }

    /** Whether any tenant (or the defaults) limits concurrent runs. */
    public boolean limitsConcurrentRuns() {
        return defaults.maxConcurrentRuns() > 0 || tenants.values().stream().anyMatch(q -> q.maxConcurrentRuns() > 0);
    }
}
