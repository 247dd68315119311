package dev.baton.server.api;

import dev.baton.core.security.Principal;
import dev.baton.gateway.CallContext;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;

/**
 * The tenant whose usage records a request may read ({@code /usage}, {@code /analytics/models},
 * {@code /analytics/keys}, the usage figures of {@code /analytics/workflows}): the principal's. Stateless.
 */
final class UsageTenant {
    private UsageTenant() {
    }

    /**
     * The request principal's tenant; {@value CallContext#DEFAULT_TENANT} for a request that carries no principal
     * (an API assembled without authentication, as some tests do).
     */
    static String of(Context ctx) {
        Principal principal = RequestPrincipal.find(ctx);
        return principal == null ? CallContext.DEFAULT_TENANT : principal.tenantId();
    }
}
