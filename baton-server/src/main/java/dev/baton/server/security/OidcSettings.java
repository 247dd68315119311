package dev.baton.server.security;

import dev.baton.core.security.Role;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code security.auth.oidc} settings: which JWT bearer tokens are accepted and how their claims map to a
 * tenant and roles (see {@link JwtAuthenticator}).
 *
 * @param issuer       the expected {@code iss} claim, exactly
 * @param audience     the expected {@code aud} (one of the token's audiences)
 * @param jwksUrl      where the issuer publishes its signing keys (JWKS): {@code https}, or plain {@code http} only
 *                     to a loopback host ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), since over http
 *                     anyone on the path could substitute the keys that decide who is an admin of which tenant;
 *                     fetched by the server itself, not subject to the egress policy of workflow steps
 * @param tenantClaim  the claim holding the tenant id (a string); a token without a valid one is refused
 * @param rolesClaim   the claim holding the roles (an array of strings, or one space- or comma-separated string)
 * @param roleMapping  IdP group or role names → Baton roles; when not empty, only the names it lists grant roles;
 *                     when empty, names are taken as Baton role names ({@code admin}, {@code operator},
 *                     {@code developer}, {@code viewer}); anything else is ignored
 * @param algorithms   accepted JWS algorithms (e.g. {@code RS256}, {@code ES256}); never {@code none} nor HMAC
 * @param clockSkew    tolerance on {@code exp} and {@code nbf}
 * @param jwksCacheTtl how long fetched keys are used before they are fetched again (a token signed with an unknown
 *                     {@code kid} triggers a fetch at once, rate-limited)
 */
public record OidcSettings(String issuer, String audience, URI jwksUrl, String tenantClaim, String rolesClaim,
                           Map<String, Role> roleMapping, List<String> algorithms, Duration clockSkew,
                           Duration jwksCacheTtl) {
    /** Default claim holding the tenant. */
    public static final String TENANT_CLAIM = "tenant";
    /** Default claim holding the roles. */
    public static final String ROLES_CLAIM = "roles";
    /** Default accepted algorithms. */
    public static final List<String> ALGORITHMS = List.of("RS256", "ES256");
    /** Default tolerance on {@code exp}/{@code nbf}. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** Default JWKS cache time to live. */
    public static final Duration JWKS_CACHE_TTL = Duration.ofMinutes(5);

    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        Objects.requireNonNull(tenantClaim, "tenantClaim");
        Objects.requireNonNull(rolesClaim, "rolesClaim");
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
        roleMapping = Map.copyOf(roleMapping);
        algorithms = List.copyOf(algorithms);
        String scheme = jwksUrl.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme) || jwksUrl.getHost() == null) {
            throw new IllegalArgumentException("jwksUrl must be an http(s) URL, got " + jwksUrl);
        }
        if ("http".equals(scheme) && !isLoopbackLiteral(jwksUrl.getHost())) {
            throw new IllegalArgumentException("jwksUrl must be https: over plain http anyone on the path could "
                    + "substitute the signing keys (http is accepted only to a loopback host such as 127.0.0.1 "
                    + "or localhost), got " + jwksUrl);
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("algorithms must not be empty");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("clockSkew must be 0..10m, got " + clockSkew);
        }
        if (jwksCacheTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("jwksCacheTtl must be at least 1s, got " + jwksCacheTtl);
        }
    }

    /** Settings with the default claims, algorithms, skew and cache. */
    public static OidcSettings of(String issuer, String audience, URI jwksUrl) {
        return new OidcSettings(issuer, audience, jwksUrl, TENANT_CLAIM, ROLES_CLAIM, Map.of(), ALGORITHMS,
                CLOCK_SKEW, JWKS_CACHE_TTL);
    }

    /** These settings with another cache time to live. */
    public OidcSettings withJwksCacheTtl(Duration ttl) {
        return new OidcSettings(issuer, audience, jwksUrl, tenantClaim, rolesClaim, roleMapping, algorithms,
                clockSkew, ttl);
    }

    /** These settings with a role mapping. */
    public OidcSettings withRoleMapping(Map<String, Role> mapping) {
        return new OidcSettings(issuer, audience, jwksUrl, tenantClaim, rolesClaim, mapping, algorithms,
                clockSkew, jwksCacheTtl);
    }

    /**
     * Whether {@code host} is {@code localhost} or a literal loopback address; no DNS lookup (a name that resolves
     * to loopback today may not tomorrow).
     */
    static boolean isLoopbackLiteral(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.contains(":");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
