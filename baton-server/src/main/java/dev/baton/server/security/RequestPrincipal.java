package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.Principal;
import io.javalin.http.Context;

/**
 * The authenticated {@link Principal} of an API request, kept as a request attribute. Authentication sets it
 * before any guarded route's handler runs; handlers read it to know the tenant and the subject.
 */
public final class RequestPrincipal {
    private static final String ATTRIBUTE = "baton.principal";

    private RequestPrincipal() {
    }

    /** Attaches {@code principal} to the request. */
    public static void set(Context ctx, Principal principal) {
        ctx.attribute(ATTRIBUTE, principal);
    }

    /** The request's principal, or {@code null} before authentication (or on public routes). */
    public static Principal find(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /**
     * The request's principal.
     *
     * @throws BatonException INTERNAL when called on a request that was not authenticated (a route missing from
     *                        the permission table: a defect, never a way in)
     */
    public static Principal of(Context ctx) {
        Principal principal = find(ctx);
        if (principal == null) {
            throw new BatonException(ErrorCode.INTERNAL, "request " + ctx.method() + " " + ctx.path()
                    + " reached a handler without an authenticated principal");
        }
        return principal;
    }

    /** The request principal's tenant. */
    public static String tenant(Context ctx) {
        return of(ctx).tenantId();
    }
}
