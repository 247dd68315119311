package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Permission;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * What a route requires, attached to it when it is declared ({@code routes.get(path, handler, Access.of(...))}):
 * one {@link Permission}, or nothing at all for the {@link #PUBLIC} routes (health, OpenAPI document, metrics).
 * Every route declares exactly one; a matched route without one is a defect and answers 500, never opens up.
 *
 * @param permission the permission required, or {@code null} for a public route
 */
public record Access(Permission permission) implements RouteRole {
    /** No authentication at all. */
    public static final Access PUBLIC = new Access(null);

    /** A route that requires {@code permission}. */
    public static Access of(Permission permission) {
        return new Access(java.util.Objects.requireNonNull(permission, "permission"));
    }

    /** Whether the route is public. */
    public boolean isPublic() {
        return permission == null;
    }

    /**
     * The access declared by the matched route of {@code ctx}.
     *
     * @throws BatonException INTERNAL when the route declares none or several
     */
    public static Access of(Context ctx) {
        Access found = null;
        for (RouteRole role : ctx.routeRoles()) {
            if (role instanceof Access access) {
                if (found != null) {
                    throw new BatonException(ErrorCode.INTERNAL, "route " + ctx.method() + " " + ctx.path()
                            + " declares more than one access");
                }
                found = access;
            }
        }
        if (found == null) {
            throw new BatonException(ErrorCode.INTERNAL, "route " + ctx.method() + " " + ctx.path()
                    + " declares no access");
        }
        return found;
    }
}
