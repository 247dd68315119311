package dev.baton.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.AuditLog;
import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.routing.QuotaBuckets;
import dev.baton.server.security.JwtAuthenticator;
import dev.baton.server.security.NodeQuotas;
import dev.baton.server.security.OidcSettings;
import dev.baton.server.security.RunQuotas;
import dev.baton.server.security.SecurityConfig;
import dev.baton.server.security.TenantQuotas;

import java.time.InstantSource;

/**
 * The security parts of a node (docs/security.md): the stored API keys and audit log (in the node's store), the
 * OIDC JWT authenticator when {@code security.auth.oidc} is configured, and the quotas of tenants and API keys
 * (request and token rates over the shared buckets, concurrent runs over the run slots). {@link BatonNode}
 * assembles one once its store is open and holds it; the egress policy, needed before the store opens, stays with
 * the node's http step and gateway. Thread-safe.
 */
final class NodeSecurity implements AutoCloseable {
    private final NodeStores stores;
    private final TenantQuotas tenantQuotas;
    private final RunQuotas runQuotas;
    private final NodeQuotas quotas;
    private final JwtAuthenticator jwt;

    private NodeSecurity(NodeStores stores, TenantQuotas tenantQuotas, RunQuotas runQuotas, NodeQuotas quotas,
                         JwtAuthenticator jwt) {
        this.stores = stores;
        this.tenantQuotas = tenantQuotas;
        this.runQuotas = runQuotas;
        this.quotas = quotas;
        this.jwt = jwt;
    }

    /**
     * Assembles the quotas over {@code stores} and {@code buckets} and the JWT authenticator (its keys are fetched
     * on the first token, not here: an unreachable issuer does not stop the node opening).
     */
    static NodeSecurity assemble(SecurityConfig security, NodeStores stores, BucketStore buckets) {
        TenantQuotas tenantQuotas = new TenantQuotas(security.quotas(), stores.apiKeys(), Ticker.systemTicker());
        RunQuotas runQuotas = new RunQuotas(stores.runSlots(), tenantQuotas, stores.runs(), InstantSource.system());
        NodeQuotas quotas = new NodeQuotas(tenantQuotas, new QuotaBuckets(buckets, tenantQuotas), runQuotas);
        OidcSettings oidc = security.auth().oidc();
        JwtAuthenticator jwt = oidc == null ? null : new JwtAuthenticator(oidc, InstantSource.system());
        return new NodeSecurity(stores, tenantQuotas, runQuotas, quotas, jwt);
    }

    /** The stored API keys (same store as the runs; in memory for a memory store). */
    ApiKeyStore apiKeys() {
        return stores.apiKeys();
    }

    /** The append-only audit log of API actions (same store as the runs). */
    AuditLog auditLog() {
        return stores.audit();
    }

    /** Verifies OIDC JWT bearer tokens, or {@code null} when {@code security.auth.oidc} is not configured. */
    JwtAuthenticator jwt() {
        return jwt;
    }

    /** The per-tenant and per-key limits, for the gateway's rate limits. */
    TenantQuotas tenantQuotas() {
        return tenantQuotas;
    }

    /** The concurrent-run quota; its observer frees a slot when a run ends. */
    RunQuotas runQuotas() {
        return runQuotas;
    }

    /** All the quotas, as the API enforces them. */
    NodeQuotas quotas() {
        return quotas;
    }

    /** Closes the JWT authenticator (its key fetching), if any. */
    @Override
    public void close() {
        if (jwt != null) {
            jwt.close();
        }
    }
}
