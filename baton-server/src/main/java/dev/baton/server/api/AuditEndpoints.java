package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.AuditEntry;
import dev.baton.core.security.AuditLog;
import dev.baton.core.security.AuditQuery;
import dev.baton.core.store.Page;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /audit}: the audit log of the caller's tenant, newest first, filtered by {@code action} (an action or
 * a dotted prefix such as {@code run}), {@code actor}, {@code since} (inclusive) and {@code until} (exclusive)
 * (ISO-8601 instants or durations before now such as {@code 24h}), paged by {@code limit} (1..1000, default 50)
 * and {@code cursor}. A principal only ever reads its own tenant's entries: the tenant is not a parameter.
 */
final class AuditEndpoints {
    static final int DEFAULT_LIMIT = 50;
    private static final Set<String> PARAMETERS = Set.of("action", "actor", "since", "until", "limit", "cursor");
    private static final Pattern ACTION = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    private final AuditLog log;
    private final InstantSource clock;

    AuditEndpoints(AuditLog log, InstantSource clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code GET /audit}: 200 {@code {items: [entry...], nextCursor}}. */
    void list(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw BatonException.invalidInput(name, "unknown query parameter; known: " + PARAMETERS.stream()
                        .sorted().toList());
            }
        }
        String action = blankToNull(ctx.queryParam("action"));
        if (action != null && !ACTION.matcher(action).matches()) {
            throw BatonException.invalidInput("action", "must be an action such as run.start or a prefix such as"
                    + " run (lower-case letters, digits, '.', '-'; at most 64), got '" + cut(action) + "'");
        }
        String actor = blankToNull(ctx.queryParam("actor"));
        if (actor != null && actor.length() > 200) {
            throw BatonException.invalidInput("actor", "must be at most 200 characters, got " + actor.length());
        }
        Instant now = clock.instant();
        Instant since = AnalyticsParameters.instant(ctx.queryParam("since"), "since", now);
        Instant until = AnalyticsParameters.instant(ctx.queryParam("until"), "until", now);
        if (since != null && until != null && !since.isBefore(until)) {
            throw BatonException.invalidInput("since", "must be before until (" + until + "), got " + since);
        }
        Page<AuditEntry> page = log.query(new AuditQuery(RequestPrincipal.tenant(ctx), action, actor, since, until,
                blankToNull(ctx.queryParam("cursor")), limit(ctx.queryParam("limit"))));
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode items = result.putArray("items");
        page.items().forEach(entry -> items.add(json(entry)));
        result.put("nextCursor", page.nextCursor());
        Json.respond(ctx, 200, result);
    }

    /** An entry as the API shows it (all fields; optional ones as null). */
    static ObjectNode json(AuditEntry entry) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", entry.id());
        node.put("tenantId", entry.tenantId());
        node.put("at", entry.at().toString());
        node.put("actor", entry.actor());
        node.put("action", entry.action());
        node.put("target", entry.target());
        node.put("outcome", entry.outcome());
        node.put("remoteAddress", entry.remoteAddress());
        node.put("userAgent", entry.userAgent());
        node.put("requestId", entry.requestId());
        ObjectNode details = node.putObject("details");
        entry.details().forEach(details::put);
        return node;
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 1000) {
            throw BatonException.invalidInput("limit", "must be an integer between 1 and 1000, got '" + cut(text)
                    + "'");
        }
        return limit;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String cut(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
