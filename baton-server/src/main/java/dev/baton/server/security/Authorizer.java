package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.BatonNode;
import io.javalin.http.Context;

/**
 * Checks that the request's principal may use the matched route: its roles grant the route's {@link Access}
 * permission (else FORBIDDEN, 403). Runs after authentication on every guarded route.
 */
public final class Authorizer {
    private Authorizer() {
    }

    /** The authorizer of an open node. */
    public static Authorizer create(BatonNode node) {
        return new Authorizer();
    }

    /** @throws BatonException FORBIDDEN when no role of the principal grants the route's permission */
    public void authorize(Context ctx, Access access) {
        if (!RequestPrincipal.of(ctx).can(access.permission())) {
            throw new BatonException(ErrorCode.FORBIDDEN, "this operation needs the permission "
                    + access.permission());
        }
    }
}
