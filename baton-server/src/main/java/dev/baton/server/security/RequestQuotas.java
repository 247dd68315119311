package dev.baton.server.security;

import dev.baton.core.security.Principal;
import dev.baton.server.BatonNode;
import io.javalin.http.Context;

import java.util.Objects;

/**
 * Admits an authenticated request against its tenant's and API key's {@code requestsPerMinute} quotas (else
 * QUOTA_EXCEEDED, 429 with {@code Retry-After} and {@code errors[0].field} naming the limit), through the node's
 * {@link NodeQuotas#buckets()} (cluster-wide on PostgreSQL). Runs after authorization on every guarded route, REST
 * and {@code /v1} alike, and attaches the node's {@link RunQuotas} for the run-start handlers. Thread-safe.
 */
public final class RequestQuotas {
    private final NodeQuotas quotas;
    private final String systemTenant;

    private RequestQuotas(NodeQuotas quotas, String systemTenant) {
        this.quotas = Objects.requireNonNull(quotas, "quotas");
        this.systemTenant = Objects.requireNonNull(systemTenant, "systemTenant");
    }

    /** The request quotas of an open node. */
    public static RequestQuotas create(BatonNode node) {
        return new RequestQuotas(node.quotas(), node.config().security().systemTenant());
    }

    /**
     * Admits the request or throws QUOTA_EXCEEDED. A request without principal (none set by authentication) counts
     * as the system tenant's.
     */
    public void admit(Context ctx) {
        Principal found = RequestPrincipal.find(ctx);
        Principal principal = found == null ? Principal.local(systemTenant) : found;
        quotas.buckets().admitRequest(principal.tenantId(), principal.keyId());
        quotas.runs().attach(ctx, principal);
    }
}
