package dev.baton.core.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who is making a request: the tenant it acts in, a stable subject for audit and usage, its roles, and how it
 * authenticated. Never holds a secret.
 *
 * @param tenantId the tenant whose objects the principal sees (1..64 characters)
 * @param subject  who, for audit and logs: an API key's id ({@code key:<id>}), a JWT's {@code sub}
 *                 ({@code jwt:<sub>}), a configured gateway key ({@code gateway-key:<id>}), or {@code local}
 * @param keyId    the stored API key's id when authenticated by one (per-key quotas apply), else {@code null}
 * @param roles    the roles granted in {@code tenantId}; may be empty (then only public routes answer)
 * @param method   how the principal authenticated
 */
public record Principal(String tenantId, String subject, String keyId, Set<Role> roles, AuthMethod method) {

    /** How a principal authenticated. */
    public enum AuthMethod {
        /** A stored API key ({@code Authorization: Bearer} or {@code X-API-Key}). */
        API_KEY,
        /** A JWT bearer token from the configured OIDC issuer. */
        JWT,
        /** A key from {@code gateway.keys} in the configuration file (OpenAI-compatible API only). */
        GATEWAY_KEY,
        /** Authentication is off (loopback only): every caller acts as an admin of the system tenant. */
        NONE
    }

    public Principal {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(method, "method");
        if (tenantId.isBlank() || tenantId.length() > 64) {
            throw new IllegalArgumentException("tenantId must be 1..64 characters, got '" + tenantId + "'");
        }
        roles = Set.copyOf(roles);
    }

    /** The principal of every request while authentication is off: an admin of {@code systemTenant}. */
    public static Principal local(String systemTenant) {
        return new Principal(systemTenant, "local", null, Set.of(Role.ADMIN), AuthMethod.NONE);
    }

    /** Whether any of the principal's roles grants {@code permission}. */
    public boolean can(Permission permission) {
        for (Role role : roles) {
            if (role.grants(permission)) {
                return true;
            }
        }
        return false;
    }
}
