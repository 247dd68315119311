package dev.baton.server.security;

import dev.baton.server.BatonNode;
import io.javalin.http.Context;
import dev.baton.core.security.Principal;

/**
 * Finds who is calling: sets the request's {@link RequestPrincipal}, or fails with UNAUTHENTICATED (401).
 * Runs before every guarded route (not on public ones).
 */
public final class Authenticator {
    private final String systemTenant;

    private Authenticator(String systemTenant) {
        this.systemTenant = systemTenant;
    }

    /** The authenticator of an open node. */
    public static Authenticator create(BatonNode node) {
        return new Authenticator(node.config().security().systemTenant());
    }

    /** Authenticates the request. */
    public void authenticate(Context ctx) {
        RequestPrincipal.set(ctx, Principal.local(systemTenant));
    }
}
