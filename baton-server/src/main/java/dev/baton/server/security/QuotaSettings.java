package dev.baton.server.security;

/** The security.tenants and security.defaultQuotas (per-tenant quotas) settings (read by {@link QuotaConfigReader}). */
public record QuotaSettings() {
    /** The defaults. */
    public static final QuotaSettings DEFAULT = new QuotaSettings();
}
