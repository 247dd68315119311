/**
 * The server's security edge: the {@code security:} configuration section, authentication (stored API keys,
 * OIDC JWTs, configured gateway keys), authorization by route permission and tenant, per-tenant and per-key
 * quotas on requests, the audit trail of API calls, egress and secret settings. Built on the plain types of
 * {@code dev.baton.core.security}; see docs/security.md for the model.
 *
 * <p>May depend on Javalin (request hooks), the core and the gateway; the engine never depends on this package.
 */
package dev.baton.server.security;
