/**
 * Who may do what, in which tenant: the {@link dev.baton.core.security.Principal} of a request, its
 * {@link dev.baton.core.security.Role}s and the {@link dev.baton.core.security.Permission}s they grant (the
 * documented permission matrix), stored {@link dev.baton.core.security.ApiKey}s, per-tenant and per-key
 * {@link dev.baton.core.security.Quotas} and the {@link dev.baton.core.security.RunSlots} that count their concurrent
 * runs, the append-only {@link dev.baton.core.security.AuditLog}, and the
 * egress policy for outgoing connections.
 *
 * <p>Plain values and plug-in interfaces only: depends on the JDK and {@code dev.baton.core.error}, never on HTTP,
 * SQL or a framework. Authentication (API keys, JWT), the route table and the stores live in the server and store
 * modules; see docs/security.md.
 */
package dev.baton.core.security;
