package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Permission;
import dev.baton.core.security.Principal;
import dev.baton.server.BatonNode;
import io.javalin.http.Context;
import io.javalin.router.EndpointNotFound;

import java.util.Objects;

/**
 * Checks that the request's principal may use the matched route, after authentication on every guarded route:
 * <ol>
 *   <li>one of its roles grants the route's {@link Access} permission (the matrix is {@link dev.baton.core.security.Role}),
 *       else FORBIDDEN (403);</li>
 *   <li>an installation-wide permission ({@link Permission#isInstallationWide()}: deployments enable/disable,
 *       cache clear, system metrics and alerts) is used by a principal of the system tenant, else 404 with the
 *       very answer of an unknown route: those objects are not the tenant's, and a 403 would tell a tenant what
 *       the installation has.</li>
 * </ol>
 * Objects of a tenant (workflows, runs...) are not checked here: every handler looks them up in the principal's
 * tenant, so another tenant's object is not found (404) like a missing one. Stateless; thread-safe.
 */
public final class Authorizer {
    private final String systemTenant;

    private Authorizer(String systemTenant) {
        this.systemTenant = Objects.requireNonNull(systemTenant, "systemTenant");
    }

    /** The authorizer of an open node. */
    public static Authorizer create(BatonNode node) {
        return new Authorizer(node.config().security().systemTenant());
    }

    /**
     * @throws BatonException    FORBIDDEN when no role of the principal grants the route's permission
     * @throws EndpointNotFound  (Javalin's 404 of an unknown route) when the permission is installation-wide and
     *                           the principal is not of the system tenant
     */
    public void authorize(Context ctx, Access access) {
        Principal principal = RequestPrincipal.of(ctx);
        if (!principal.can(access.permission())) {
            throw new BatonException(ErrorCode.FORBIDDEN, "this operation needs the permission "
                    + access.permission());
        }
        if (access.permission().isInstallationWide() && !principal.tenantId().equals(systemTenant)) {
            // the very exception Javalin throws for an unknown route: the same answer, byte for byte, whatever
            // ApiRoutes makes of it
            throw new EndpointNotFound(ctx.method(), ctx.path());
        }
    }
}
