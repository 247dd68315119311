/**
 * The server's security edge: the {@code security:} configuration section, authentication (stored API keys,
 * OIDC JWTs, configured gateway keys), authorization by route permission and tenant, per-tenant and per-key
 * quotas (request rate: {@link dev.baton.server.security.RequestQuotas}; concurrent runs:
 * {@link dev.baton.server.security.RunQuotas}; where they come from: {@link dev.baton.server.security.TenantQuotas}), the audit trail of API calls, egress and secret settings. Built on the plain types of
 * {@code dev.baton.core.security}; see docs/security.md for the model.
 *
 * <p>May depend on Javalin (request hooks), the core and the gateway; the engine never depends on this package.
 */
package dev.baton.server.security;
