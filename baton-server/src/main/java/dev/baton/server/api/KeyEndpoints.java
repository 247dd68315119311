package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKey;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import dev.baton.core.store.Page;
import dev.baton.core.workflow.DurationFormat;
import dev.baton.server.security.ApiKeyIssuer;
import dev.baton.server.security.ApiKeyView;
import dev.baton.server.security.AuditTrail;
import dev.baton.server.security.RequestPrincipal;
import dev.baton.server.security.SecurityConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The API key routes ({@code KEY_MANAGE}, admins): create (the secret is in the answer, once), list, read and
 * revoke the keys of the caller's tenant. An admin of the system tenant may name another tenant ({@code tenant}
 * in the body or query): that is how a tenant gets its first admin key. Keys of other tenants answer 404 to
 * everyone else. Thread-safe.
 */
final class KeyEndpoints {
    /** Body of {@code POST /keys}. */
    record CreateBody(String name, List<String> roles, String expiresAt, String expiresIn, String tenant,
                      QuotasBody quotas) {
    }

    /** The key's own quotas in a create body (every field optional, 0 or absent = no limit). */
    record QuotasBody(Long requestsPerMinute, Long tokensPerMinute, Integer maxConcurrentRuns, Long dailyTokens,
                      Double dailyCostUsd, Long monthlyTokens, Double monthlyCostUsd) {
        Quotas toQuotas() {
            try {
                return new Quotas(orZero(requestsPerMinute), orZero(tokensPerMinute),
                        maxConcurrentRuns == null ? 0 : maxConcurrentRuns, orZero(dailyTokens),
                        dailyCostUsd == null ? 0 : dailyCostUsd, orZero(monthlyTokens),
                        monthlyCostUsd == null ? 0 : monthlyCostUsd);
            } catch (IllegalArgumentException e) {
                throw BatonException.invalidInput("quotas", e.getMessage());
            }
        }

        private static long orZero(Long value) {
            return value == null ? 0 : value;
        }
    }


    private final ApiKeyStore keys;
    private final ApiKeyIssuer issuer;
    private final String systemTenant;
    private final RequestBodies bodies;
    private final InstantSource clock;

    KeyEndpoints(ApiKeyStore keys, ApiKeyIssuer issuer, String systemTenant, RequestBodies bodies,
                 InstantSource clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.systemTenant = systemTenant;
        this.bodies = bodies;
        this.clock = clock;
    }

    /** {@code POST /keys}: 201 with the key and, once, its secret ({@code key}). */
    void create(Context ctx) {
        CreateBody body = bodies.read(ctx, CreateBody.class, false);
        Principal principal = RequestPrincipal.of(ctx);
        String tenant = tenant(principal, body.tenant(), "tenant");
        ctx.attribute(AuditTrail.OBJECT_TENANT, tenant);
        if (body.roles() == null || body.roles().isEmpty()) {
            throw BatonException.invalidInput("roles", "at least one role is required (admin, operator, developer "
                    + "or viewer)");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (int i = 0; i < body.roles().size(); i++) {
            roles.add(Role.parse("roles[" + i + "]", body.roles().get(i)));
        }
        ApiKeyIssuer.requireGrantable(principal, roles);
        Instant expiresAt = expiry(body);
        Quotas quotas = body.quotas() == null ? Quotas.NONE : body.quotas().toQuotas();
        ApiKeyIssuer.Issued issued = issuer.issue(tenant, body.name(), roles, expiresAt, quotas, principal.subject());
        ctx.attribute(AuditTrail.TARGET, "key/" + issued.key().id());
        ObjectNode answer = view(issued.key());
        answer.put("key", issued.token().reveal());
        ctx.header("Cache-Control", "no-store");
        ctx.header("Location", ApiRoutes.BASE + "/keys/" + issued.key().id());
        Json.respond(ctx, 201, answer);
    }

    /** {@code expiresAt} (an RFC 3339 time) or {@code expiresIn} (a duration from now, e.g. {@code 90d}), or none. */
    private Instant expiry(CreateBody body) {
        if (body.expiresAt() != null && body.expiresIn() != null) {
            throw BatonException.invalidInput("expiresIn", "give expiresAt or expiresIn, not both");
        }
        if (body.expiresIn() != null) {
            Duration after;
            try {
                after = DurationFormat.parse(body.expiresIn());
            } catch (IllegalArgumentException e) {
                throw BatonException.invalidInput("expiresIn", e.getMessage() + " (e.g. 90d, 12h, 30m)");
            }
            if (after.isZero()) {
                throw BatonException.invalidInput("expiresIn", "must be longer than 0, got '" + body.expiresIn()
                        + "'");
            }
            return clock.instant().plus(after);
        }
        if (body.expiresAt() == null) {
            return null;
        }
        try {
            return Instant.parse(body.expiresAt());
        } catch (DateTimeParseException e) {
            throw BatonException.invalidInput("expiresAt", "must be an RFC 3339 time like "
                    + "2026-12-31T00:00:00Z, got '" + body.expiresAt() + "'");
        }
    }

    /** {@code GET /keys?limit=&cursor=&tenant=}: {@code {items, nextCursor}}, newest first, revoked included. */
    void list(Context ctx) {
        String tenant = tenant(RequestPrincipal.of(ctx), ctx.queryParam("tenant"), "tenant");
        int limit = 50;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw BatonException.invalidInput("limit", "must be an integer between 1 and 1000, got '"
                        + limitText + "'");
            }
        }
        Page<ApiKey> page = keys.list(tenant, ctx.queryParam("cursor"), limit);
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode items = answer.putArray("items");
        page.items().forEach(key -> items.add(view(key)));
        answer.put("nextCursor", page.nextCursor());
        Json.respond(ctx, 200, answer);
    }

    /** {@code GET /keys/{id}}: the key (never its secret). */
    void get(Context ctx) {
        Json.respond(ctx, 200, view(find(ctx)));
    }

    /** {@code DELETE /keys/{id}}: revokes the key (idempotent), 200 with the key as now stored. */
    void revoke(Context ctx) {
        String tenant = tenant(RequestPrincipal.of(ctx), ctx.queryParam("tenant"), "tenant");
        ctx.attribute(AuditTrail.OBJECT_TENANT, tenant);
        String id = ctx.pathParam("id");
        ApiKey revoked = keys.revoke(tenant, id, clock.instant())
                .orElseThrow(() -> BatonException.notFound("API key", id));
        Json.respond(ctx, 200, view(revoked));
    }

    private ApiKey find(Context ctx) {
        String tenant = tenant(RequestPrincipal.of(ctx), ctx.queryParam("tenant"), "tenant");
        String id = ctx.pathParam("id");
        return keys.find(tenant, id).orElseThrow(() -> BatonException.notFound("API key", id));
    }

    /**
     * The tenant whose keys a request manages: the principal's own, or the one it names when it is an admin of the
     * system tenant.
     */
    private String tenant(Principal principal, String requested, String field) {
        if (requested == null || requested.isBlank() || requested.equals(principal.tenantId())) {
            return principal.tenantId();
        }
        if (!principal.tenantId().equals(systemTenant)) {
            throw new BatonException(ErrorCode.FORBIDDEN, "only admins of the system tenant may manage the keys "
                    + "of another tenant");
        }
        if (!SecurityConfig.TENANT_ID.matcher(requested).matches()) {
            throw BatonException.invalidInput(field, "must be 1..64 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit; got '" + requested + "'");
        }
        return requested;
    }

    private ObjectNode view(ApiKey key) {
        return ApiKeyView.of(key, clock.instant(), Json.MAPPER);
    }
}
