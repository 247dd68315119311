package dev.baton.server.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.NodeStartup;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The security hooks of the API, in order: {@link Authenticator} (401), {@link Authorizer} (403),
 * {@link RequestQuotas} (429) before every matched guarded route, and {@link AuditTrail} after every request.
 * Public routes ({@link Access#PUBLIC}) skip the first three. Until the node is open guarded routes answer 503
 * {@code not-ready}.
 */
public final class ApiSecurity {
    private record Parts(Authenticator authenticator, Authorizer authorizer, RequestQuotas quotas,
                         AuditTrail audit) {
    }

    private final NodeStartup startup;
    private final AtomicReference<Parts> parts = new AtomicReference<>();

    private ApiSecurity(NodeStartup startup) {
        this.startup = startup;
    }

    /** Installs the hooks into {@code routes}; call before declaring the routes. */
    public static ApiSecurity install(JavalinDefaultRoutingApi routes, NodeStartup startup) {
        ApiSecurity security = new ApiSecurity(startup);
        startup.future().thenAccept(node -> security.parts.set(new Parts(Authenticator.create(node),
                Authorizer.create(node), RequestQuotas.create(node), AuditTrail.create(node))));
        routes.beforeMatched(security::guard);
        routes.after(security::audit);
        return security;
    }

    private void guard(Context ctx) {
        Access access = Access.of(ctx);
        if (access.isPublic()) {
            return;
        }
        Parts ready = ready();
        ready.authenticator().authenticate(ctx);
        ready.authorizer().authorize(ctx, access);
        ready.quotas().admit(ctx);
    }

    private void audit(Context ctx) {
        Parts ready = parts.get();
        if (ready != null) {
            ready.audit().record(ctx);
        }
    }

    private Parts ready() {
        Parts ready = parts.get();
        if (ready != null) {
            return ready;
        }
        startup.require();
        throw new BatonException(ErrorCode.NOT_READY, "the node is starting; retry shortly");
    }
}
