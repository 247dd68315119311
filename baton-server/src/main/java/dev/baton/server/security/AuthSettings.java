package dev.baton.server.security;

/**
 * The {@code security.auth} settings (read by {@link AuthConfigReader}; docs/security.md, "Authentication").
 *
 * @param enabled              whether requests must authenticate; when off every caller is an admin of the
 *                             system tenant, which is allowed only on a loopback listener
 * @param allowUnauthenticated the explicit override that lets a node listen beyond loopback with auth off
 * @param oidc                 JWT bearer tokens from an OIDC issuer, or {@code null} when only API keys are accepted
 */
public record AuthSettings(boolean enabled, boolean allowUnauthenticated, OidcSettings oidc) {
    /** Auth off (loopback only). */
    public static final AuthSettings DEFAULT = new AuthSettings(false, false, null);
    /** Auth on with stored API keys only (no OIDC). */
    public static final AuthSettings API_KEYS = new AuthSettings(true, false, null);

    /** Settings without OIDC. */
    public AuthSettings(boolean enabled, boolean allowUnauthenticated) {
        this(enabled, allowUnauthenticated, null);
    }

    /** These settings with {@code newOidc}. */
    public AuthSettings withOidc(OidcSettings newOidc) {
        return new AuthSettings(enabled, allowUnauthenticated, newOidc);
    }
}
