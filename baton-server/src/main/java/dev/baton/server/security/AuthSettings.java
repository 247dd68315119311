package dev.baton.server.security;

/**
 * The {@code security.auth} settings (read by {@link AuthConfigReader}).
 *
 * @param enabled              whether requests must authenticate; when off every caller is an admin of the
 *                             system tenant, which is allowed only on a loopback listener
 * @param allowUnauthenticated the explicit override that lets a node listen beyond loopback with auth off
 */
public record AuthSettings(boolean enabled, boolean allowUnauthenticated) {
    /** Auth off (loopback only). */
    public static final AuthSettings DEFAULT = new AuthSettings(false, false);
}
