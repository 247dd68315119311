package dev.baton.server.security;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code security:} section of {@code baton.yaml}: authentication, tenants and their quotas, the egress
 * policy and where secrets come from. Read by {@link SecurityConfigReader}; documented in docs/security.md.
 *
 * @param systemTenant the installation's own tenant: the tenant of every request while auth is off, of the
 *                     configured gateway keys and of audit entries no tenant can be attributed to (failed logins
 *                     with an unknown key); installation-wide operations (deployments, cache, system) belong to it
 * @param auth         authentication
 * @param quotas       per-tenant quotas
 * @param egress       the egress policy
 * @param secrets      where {@code secrets.NAME} values come from
 */
public record SecurityConfig(String systemTenant, AuthSettings auth, QuotaSettings quotas, EgressSettings egress,
                             SecretSettings secrets) {

    /** Tenant ids: 1..64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter or digit. */
    public static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The default system tenant (also the tenant of everything created before multi-tenancy). */
    public static final String DEFAULT_TENANT = "default";
    /** Everything at its default: auth off (loopback only), no quotas, the default egress policy. */
    public static final SecurityConfig DEFAULT = new SecurityConfig(DEFAULT_TENANT, AuthSettings.DEFAULT,
            QuotaSettings.DEFAULT, EgressSettings.DEFAULT, SecretSettings.DEFAULT);

    public SecurityConfig {
        Objects.requireNonNull(systemTenant, "systemTenant");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(secrets, "secrets");
        if (!TENANT_ID.matcher(systemTenant).matches()) {
            throw new IllegalArgumentException("systemTenant must match " + TENANT_ID + ": " + systemTenant);
        }
    }

    /** This configuration with {@code newEgress} as its egress policy. */
    public SecurityConfig withEgress(EgressSettings newEgress) {
        return new SecurityConfig(systemTenant, auth, quotas, newEgress, secrets);
    }
}
