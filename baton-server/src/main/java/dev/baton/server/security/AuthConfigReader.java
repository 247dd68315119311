package dev.baton.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.Role;
import dev.baton.gateway.config.ConfigTree;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code security.auth} and its {@code BATON_*} variables into {@link AuthSettings}. Strict: unknown keys
 * fail with a "did you mean". Stateless.
 *
 * <pre>{@code
 * security:
 *   auth:
 *     enabled: true                  # BATON_AUTH_ENABLED
 *     allowUnauthenticated: false    # BATON_ALLOW_UNAUTHENTICATED (also read: BATON_AUTH_ALLOW_UNAUTHENTICATED)
 *     oidc:
 *       issuer: https://idp.example.com/            # BATON_OIDC_ISSUER
 *       audience: baton                             # BATON_OIDC_AUDIENCE
 *       jwksUrl: https://idp.example.com/jwks.json  # BATON_OIDC_JWKS_URL
 *       tenantClaim: tenant
 *       rolesClaim: roles
 *       roleMapping: {baton-admins: admin}
 *       algorithms: [RS256, ES256]
 *       clockSkew: 60s
 *       jwksCacheTtl: 5m
 * }</pre>
 */
public final class AuthConfigReader {
    /** Every variable this reader looks at. */
    public static final Set<String> ENVIRONMENT = Set.of("BATON_AUTH_ENABLED", "BATON_ALLOW_UNAUTHENTICATED",
            "BATON_AUTH_ALLOW_UNAUTHENTICATED", "BATON_OIDC_ISSUER", "BATON_OIDC_AUDIENCE", "BATON_OIDC_JWKS_URL");
    /** The override's variable: the name the docs and error messages use. */
    public static final String ALLOW_UNAUTHENTICATED = "BATON_ALLOW_UNAUTHENTICATED";
    /** The same override under its first, longer name, still read. */
    private static final String ALLOW_UNAUTHENTICATED_OLD = "BATON_AUTH_ALLOW_UNAUTHENTICATED";
    /** Asymmetric JWS algorithms only: {@code none} and shared-secret HMAC are never accepted. */
    public static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384",
            "PS512", "ES256", "ES384", "ES512", "EdDSA");
    private static final Set<String> KEYS = Set.of("enabled", "allowUnauthenticated", "oidc");
    private static final Set<String> OIDC_KEYS = Set.of("issuer", "audience", "jwksUrl", "tenantClaim", "rolesClaim",
            "roleMapping", "algorithms", "clockSkew", "jwksCacheTtl");

    private AuthConfigReader() {
    }

    /**
     * @param security the whole {@code security:} section (missing node when absent)
     * @throws BatonException INVALID_INPUT naming the setting
     */
    public static AuthSettings read(JsonNode security, Map<String, String> env) {
        ConfigTree auth = new ConfigTree("security", security).get("auth").fields(KEYS);
        boolean enabled = flag(env, "BATON_AUTH_ENABLED", "security.auth.enabled", auth.get("enabled").bool(false));
        String setting = "security.auth.allowUnauthenticated";
        boolean configured = auth.get("allowUnauthenticated").bool(false);
        boolean allow = flag(env, ALLOW_UNAUTHENTICATED, setting,
                flag(env, ALLOW_UNAUTHENTICATED_OLD, setting, configured));
        if (present(env, ALLOW_UNAUTHENTICATED) && present(env, ALLOW_UNAUTHENTICATED_OLD)
            && allow != flag(env, ALLOW_UNAUTHENTICATED_OLD, setting, configured)) {
            throw BatonException.invalidInput(setting, ALLOW_UNAUTHENTICATED + " and " + ALLOW_UNAUTHENTICATED_OLD
                    + " disagree; set only " + ALLOW_UNAUTHENTICATED);
        }
        return new AuthSettings(enabled, allow, oidc(auth.get("oidc"), env));
    }

    private static OidcSettings oidc(ConfigTree oidc, Map<String, String> env) {
        boolean fromEnv = env.containsKey("BATON_OIDC_ISSUER") || env.containsKey("BATON_OIDC_AUDIENCE")
                          || env.containsKey("BATON_OIDC_JWKS_URL");
        if (oidc.isMissing() && !fromEnv) {
            return null;
        }
        oidc.fields(OIDC_KEYS);
        String issuer = required(env, "BATON_OIDC_ISSUER", oidc.get("issuer"));
        String audience = required(env, "BATON_OIDC_AUDIENCE", oidc.get("audience"));
        String jwks = required(env, "BATON_OIDC_JWKS_URL", oidc.get("jwksUrl"));
        URI jwksUrl;
        try {
            jwksUrl = new URI(jwks);
        } catch (URISyntaxException e) {
            throw BatonException.invalidInput("security.auth.oidc.jwksUrl", "is not a URL: " + e.getMessage());
        }
        if ("http".equalsIgnoreCase(jwksUrl.getScheme()) && jwksUrl.getHost() != null
            && !OidcSettings.isLoopbackLiteral(jwksUrl.getHost())) {
            throw BatonException.invalidInput("security.auth.oidc.jwksUrl", "must be https: over plain http anyone "
                    + "on the path could substitute the signing keys (http is accepted only to a loopback host such "
                    + "as 127.0.0.1 or localhost), got " + jwks);
        }
        Map<String, Role> mapping = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigTree> entry : oidc.get("roleMapping").entries().entrySet()) {
            ConfigTree value = entry.getValue();
            mapping.put(entry.getKey(), Role.parse(value.path(), value.requiredText()));
        }
        List<String> algorithms = new ArrayList<>();
        if (oidc.get("algorithms").isMissing()) {
            algorithms.addAll(OidcSettings.ALGORITHMS);
        }
        for (ConfigTree element : oidc.get("algorithms").elements()) {
            String name = element.requiredText();
            String known = SUPPORTED_ALGORITHMS.stream().filter(a -> a.equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> BatonException.invalidInput(element.path(), "unsupported JWS algorithm '"
                            + name + "'; expected one of " + String.join(", ", SUPPORTED_ALGORITHMS.stream()
                            .sorted().toList()) + " (none and HMAC are never accepted)"));
            algorithms.add(known);
        }
        String tenantClaim = oidc.get("tenantClaim").text(OidcSettings.TENANT_CLAIM);
        String rolesClaim = oidc.get("rolesClaim").text(OidcSettings.ROLES_CLAIM);
        return oidc.build(tree -> new OidcSettings(issuer, audience, jwksUrl, tenantClaim, rolesClaim, mapping,
                algorithms, tree.get("clockSkew").duration(OidcSettings.CLOCK_SKEW),
                tree.get("jwksCacheTtl").duration(OidcSettings.JWKS_CACHE_TTL)));
    }

    private static String required(Map<String, String> env, String variable, ConfigTree node) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            return value.strip();
        }
        String configured = node.text(null);
        if (configured == null) {
            throw BatonException.invalidInput(node.path(), "is required when OIDC is configured (or set "
                    + variable + ")");
        }
        return configured;
    }

    private static boolean present(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value != null && !value.isBlank();
    }

    private static boolean flag(Map<String, String> env, String variable, String setting, boolean configured) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return configured;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw BatonException.invalidInput(setting, variable + " must be true or false, got '"
                    + value + "'");
        };
    }
}
