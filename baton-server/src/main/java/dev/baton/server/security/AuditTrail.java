package dev.baton.server.security;

import dev.baton.core.security.AuditActions;
import dev.baton.core.security.AuditEntry;
import dev.baton.core.security.AuditLog;
import dev.baton.core.security.Principal;
import dev.baton.server.BatonNode;
import dev.baton.server.api.RequestIds;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Records an audit entry for each audited API call once it has been answered: every mutation of
 * {@link AuditedRoutes} (whatever its outcome), every failed authentication (401, {@code auth.failed}) and every
 * refusal for lack of permission (403, {@code access.denied}) on any route. Installed as an after-handler by
 * {@link ApiSecurity}.
 *
 * <p>An entry says who (the principal's subject; for a failed authentication what was presented, from
 * {@link #ACTOR}, else {@code anonymous}), in which tenant (the principal's; for a failed authentication
 * {@link #TENANT} or the system tenant), what (the action and its target: {@link #TARGET} when the handler set
 * it, else the route's path parameter, else the response's {@code Location}), when (the clock when answered),
 * from where (the socket peer's address; {@code X-Forwarded-For} is only a detail, as any client can send it),
 * with the {@code User-Agent} and the request id, and how it ended: {@code success} for 2xx, {@code denied} for
 * 401/403, {@code failed} for anything else (400, 404, 409, 429, 5xx). Details: {@code status}, {@code method},
 * {@code path} (never the query string), and where present {@code attempted} (the action a refused request
 * tried), {@code reason} (why authentication failed, as told to the client), {@code location},
 * {@code forwardedFor}, {@code actorTenant} and {@code objectTenant} (see {@link #OBJECT_TENANT}). Text from the
 * client is cleaned and capped by {@link AuditEntry} itself. A request refused before authentication ran (503
 * while the node starts, 413 body too large) is not attributed to anyone and not recorded.
 *
 * <p>Appends synchronously, before the answer is sent: when the client sees the answer to an audited request, its
 * entry is stored (or its loss counted). A queue would make the answer faster by one insert, but it would drop
 * entries exactly when they matter (a flood of failed logins fills it) and lose the queued ones in a crash. The
 * cost is one indexed insert per mutation or refusal, beside the mutation's own writes. The trail never loses the
 * response: a store failure is logged at ERROR with the whole entry and counted in
 * {@code baton_audit_failures_total}, and the answer goes out unchanged. Thread-safe.
 */
public final class AuditTrail {
    /**
     * Request attribute a handler sets to the object it acted on when the route's path does not name it, as
     * {@code <type>/<id>} (e.g. {@code run/01J...} for a started run).
     */
    public static final String TARGET = "baton.audit.target";
    /**
     * Request attribute the authenticator sets when it refuses credentials: what was presented, never a secret
     * (e.g. {@code key-prefix:bt_Ab3dE9xQ}, {@code jwt}, {@code jwt:<sub>}). Becomes the entry's actor.
     */
    public static final String ACTOR = "baton.audit.actor";
    /**
     * Request attribute the authenticator may set when refused credentials belong to a known tenant (a revoked or
     * expired key): the entry goes to that tenant instead of the system tenant.
     */
    public static final String TENANT = "baton.audit.tenant";
    /**
     * Request attribute a handler sets when it acted on an object of another tenant than the principal's (the
     * system tenant's admin creating or revoking a key of tenant {@code acme}): the entry is written to the
     * principal's tenant and to this one as well, so that the owner's admins see who acted on their objects.
     * Both entries carry the details {@code actorTenant} and {@code objectTenant}.
     */
    public static final String OBJECT_TENANT = "baton.audit.objectTenant";
    /** The actor of a refused request that presented no credentials at all. */
    public static final String ANONYMOUS = "anonymous";

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final int MAX_DETAIL = 512;

    private final AuditLog log;
    private final String systemTenant;
    private final InstantSource clock;
    private final Runnable failed;

    /**
     * @param log          where entries go
     * @param systemTenant the tenant of entries no tenant can be attributed to
     * @param clock        stamps entries
     * @param failed       called once per entry that could not be stored (counts the failure)
     */
    AuditTrail(AuditLog log, String systemTenant, InstantSource clock, Runnable failed) {
        this.log = Objects.requireNonNull(log, "log");
        this.systemTenant = Objects.requireNonNull(systemTenant, "systemTenant");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failed = Objects.requireNonNull(failed, "failed");
    }

    /** The audit trail of an open node: its audit log, failures counted in the node's metrics (when on). */
    public static AuditTrail create(BatonNode node) {
        Runnable failed = node.metrics()
                .map(metrics -> Counter.builder("baton.audit.failures")
                        .description("Audit entries that could not be stored (each is logged at ERROR instead)")
                        .register(metrics.registry()))
                .<Runnable>map(counter -> counter::increment)
                .orElse(() -> { });
        return new AuditTrail(node.auditLog(), node.config().security().systemTenant(), InstantSource.system(),
                failed);
    }

    /** Records the answered request when it is audited. Never throws. */
    public void record(Context ctx) {
        AuditEntry entry;
        try {
            entry = entryOf(ctx);
        } catch (RuntimeException e) {
            failed.run();
            LOG.error("audit: cannot describe {} {} [requestId={}]", ctx.method(), cut(ctx.path()),
                    RequestIds.of(ctx), e);
            return;
        }
        if (entry == null) {
            return;
        }
        append(entry);
        String objectTenant = ctx.attribute(OBJECT_TENANT);
        if (objectTenant != null && !objectTenant.equals(entry.tenantId())) {
            append(new AuditEntry(0, objectTenant, entry.at(), entry.actor(), entry.action(), entry.target(),
                    entry.outcome(), entry.remoteAddress(), entry.userAgent(), entry.requestId(), entry.details()));
        }
    }

    private void append(AuditEntry entry) {
        try {
            log.append(entry);
        } catch (RuntimeException e) {
            failed.run();
            LOG.error("audit: entry lost, the audit log did not take it: {} {} {} by {} in tenant {} from {} at {}"
                      + " details {} [requestId={}]", entry.action(), entry.outcome(), entry.target(), entry.actor(),
                    entry.tenantId(), entry.remoteAddress(), entry.at(), entry.details(), entry.requestId(), e);
        }
    }

    /** The entry for an answered request, or {@code null} when it is not audited. */
    AuditEntry entryOf(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null) {
            return null; // no route matched: Javalin's own 404/405, nothing was attempted
        }
        int status = ctx.statusCode();
        String method = ctx.method().name();
        Optional<AuditedRoutes.Route> route = AuditedRoutes.of(method, endpoint.path);
        Principal principal = RequestPrincipal.find(ctx);
        String action;
        String outcome;
        if (status == 401) {
            action = AuditActions.AUTH_FAILED;
            outcome = AuditActions.DENIED;
        } else if (status == 403) {
            action = AuditActions.ACCESS_DENIED;
            outcome = AuditActions.DENIED;
        } else if (route.isEmpty() || principal == null) {
            return null; // not a mutation, or refused before anyone was authenticated
        } else {
            action = route.get().action();
            outcome = status >= 200 && status < 300 ? AuditActions.SUCCESS : AuditActions.FAILED;
        }
        String actor;
        String tenant;
        if (status == 401 || principal == null) {
            actor = Objects.requireNonNullElse(ctx.attribute(ACTOR), ANONYMOUS);
            tenant = Objects.requireNonNullElse(ctx.attribute(TENANT), systemTenant);
        } else {
            actor = principal.subject();
            tenant = principal.tenantId();
        }
        String location = ctx.res().getHeader("Location");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", Integer.toString(status));
        details.put("method", method);
        details.put("path", cut(ctx.path()));
        if (route.isPresent() && !action.equals(route.get().action())) {
            details.put("attempted", route.get().action());
        }
        if (location != null) {
            details.put("location", cut(location));
        }
        FailedLogin failedLogin = status == 401 ? FailedLogin.of(ctx) : null;
        if (failedLogin != null) {
            details.put("reason", cut(failedLogin.reason()));
        }
        String objectTenant = ctx.attribute(OBJECT_TENANT);
        if (objectTenant != null && !objectTenant.equals(tenant)) {
            details.put("actorTenant", tenant);
            details.put("objectTenant", objectTenant);
        }
        String forwardedFor = ctx.header("X-Forwarded-For");
        if (forwardedFor != null) {
            details.put("forwardedFor", cut(forwardedFor));
        }
        return new AuditEntry(0, tenant, clock.instant(), actor, action, target(ctx, route, location), outcome,
                ctx.req().getRemoteAddr(), ctx.header("User-Agent"), RequestIds.of(ctx), details);
    }

    /** The handler's target, else the route's path parameter, else the created object's {@code Location}. */
    private static String target(Context ctx, Optional<AuditedRoutes.Route> route, String location) {
        String set = ctx.attribute(TARGET);
        if (set != null) {
            return set;
        }
        if (route.isEmpty() || route.get().targetType() == null) {
            return null;
        }
        String type = route.get().targetType();
        if (route.get().pathParam() != null) {
            String id = ctx.pathParamMap().get(route.get().pathParam());
            return id == null ? null : type + "/" + cut(id);
        }
        if (location == null || location.endsWith("/")) {
            return null;
        }
        return type + "/" + cut(location.substring(location.lastIndexOf('/') + 1));
    }

    private static String cut(String value) {
        return value.length() <= MAX_DETAIL ? value : value.substring(0, MAX_DETAIL) + "...";
    }
}
