/**
 * The HTTP transport's own protections, below the API: TLS from PEM files ({@link TlsSettings},
 * {@link PemKeyStore}), CORS for browser clients ({@link CorsSettings}, {@link Cors}) and the security headers of
 * every response ({@link HeaderSettings}, {@link SecurityHeaders}), read from the {@code server:} section by
 * {@link TransportConfigReader}. See docs/security.md, "TLS, CORS and security headers".
 *
 * <p>May depend on the JDK's security APIs, Jetty (connectors, customizers) and Javalin (request hooks); knows
 * nothing of workflows, runs or the engine.
 */
package dev.baton.server.transport;
