package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.HealthCheck;
import dev.baton.gateway.cache.CacheStats;
import dev.baton.gateway.cache.CachingGateway;
import dev.baton.gateway.usage.UsageDimension;
import dev.baton.gateway.usage.UsageQuery;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageTotals;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's operator routes: deployments (breaker, health, uptime, recent checks, counters; enable and
 * disable at run time), the response cache's counters (and emptying it), and token/cost usage rolled up by run,
 * workflow, step, principal, model, deployment or provider. Answers in JSON; errors as problem+json like the rest of {@value ApiRoutes#BASE}. Thread-safe.
 */
final class GatewayEndpoints {
    private static final Set<String> USAGE_PARAMETERS = Set.of("groupBy", "run", "workflow", "principal", "model",
            "deployment", "provider", "step", "from", "to");
    /** The dimensions the API groups and filters by; tenant and API key are set from the principal, not asked. */
    private static final List<UsageDimension> PUBLIC_DIMENSIONS = Arrays.stream(UsageDimension.values())
            .filter(d -> d != UsageDimension.TENANT && d != UsageDimension.API_KEY).toList();
    private static final String DIMENSIONS = PUBLIC_DIMENSIONS.stream().map(GatewayEndpoints::wireName)
            .collect(Collectors.joining(", "));

    private final GatewayAdmin admin;
    private final UsageStore usage;
    private final CachingGateway cache;

    /** @param cache the response cache layer, or {@code null} when the gateway has none */
    GatewayEndpoints(GatewayAdmin admin, UsageStore usage, CachingGateway cache) {
        this.admin = admin;
        this.usage = usage;
        this.cache = cache;
    }

    /** {@code GET /gateway/cache}: {@code {present, hits, misses, hitRate, evictions, size}} since start. */
    void cacheStats(Context ctx) {
        CacheStats stats = cache == null ? new CacheStats(0, 0, 0, 0) : cache.stats();
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("present", cache != null);
        result.put("hits", stats.hits());
        result.put("misses", stats.misses());
        result.put("hitRate", stats.hitRate());
        result.put("evictions", stats.evictions());
        result.put("size", stats.size());
        Json.respond(ctx, 200, result);
    }

    /** {@code DELETE /gateway/cache}: drops every cached response and embedding (204). */
    void invalidateCache(Context ctx) {
        if (cache != null) {
            cache.invalidateAll();
        }
        ctx.status(204);
    }

    /** {@code GET /gateway/deployments}: {@code {items: [status without recentChecks]}}. */
    void deployments(Context ctx) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode items = result.putArray("items");
        for (DeploymentStatus status : admin.deployments()) {
            items.add(status(status, false));
        }
        Json.respond(ctx, 200, result);
    }

    /** {@code GET /gateway/deployments/{id}}: the status with its last (up to 100) checks, newest first. */
    void deployment(Context ctx) {
        Json.respond(ctx, 200, status(admin.deployment(ctx.pathParam("id")), true));
    }

    /** {@code POST /gateway/deployments/{id}/enable} and {@code /disable}: the status after the change. */
    void setEnabled(Context ctx, boolean enabled) {
        Json.respond(ctx, 200, status(admin.setEnabled(ctx.pathParam("id"), enabled), true));
    }

    /**
     * {@code GET /usage?groupBy=&run=&workflow=&principal=&model=&deployment=&provider=&from=&to=}:
     * {@code {groupBy, from, to, items: [totals], total: totals}}, items largest cost first.
     */
    void usage(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!USAGE_PARAMETERS.contains(name)) {
                throw BatonException.invalidInput(name, "unknown query parameter; known: "
                        + USAGE_PARAMETERS.stream().sorted().toList());
            }
        }
        String groupByText = ctx.queryParam("groupBy");
        UsageDimension groupBy = groupByText == null ? UsageDimension.MODEL : dimension(groupByText);
        Map<UsageDimension, String> filter = new EnumMap<>(UsageDimension.class);
        filter.put(UsageDimension.TENANT, UsageTenant.of(ctx)); // a principal sees only its tenant's usage
        for (UsageDimension dimension : PUBLIC_DIMENSIONS) {
            String value = ctx.queryParam(wireName(dimension));
            if (value != null && !value.isBlank()) {
                filter.put(dimension, value);
            }
        }
        Instant from = instant(ctx, "from");
        Instant to = instant(ctx, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw BatonException.invalidInput("to", "must be after from");
        }
        List<UsageTotals> totals = usage.summarize(new UsageQuery(groupBy, from, to, filter));

        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("groupBy", wireName(groupBy));
        result.put("from", from == null ? null : from.toString());
        result.put("to", to == null ? null : to.toString());
        ArrayNode items = result.putArray("items");
        long calls = 0;
        long errors = 0;
        long hits = 0;
        long input = 0;
        long output = 0;
        boolean estimated = false;
        double cost = 0;
        for (UsageTotals t : totals) {
            items.add(totals(t));
            calls += t.calls();
            errors += t.errors();
            hits += t.cacheHits();
            input += t.inputTokens();
            output += t.outputTokens();
            estimated |= t.estimated();
            cost += t.costUsd();
        }
        ObjectNode total = totals(new UsageTotals("", calls, errors, hits, input, output, estimated, cost));
        total.remove("key");
        result.set("total", total);
        Json.respond(ctx, 200, result);
    }

    private static ObjectNode totals(UsageTotals t) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("key", t.key());
        node.put("calls", t.calls());
        node.put("errors", t.errors());
        node.put("cacheHits", t.cacheHits());
        node.put("inputTokens", t.inputTokens());
        node.put("outputTokens", t.outputTokens());
        node.put("totalTokens", t.inputTokens() + t.outputTokens());
        node.put("estimated", t.estimated());
        node.put("costUsd", t.costUsd());
        return node;
    }

    private static ObjectNode status(DeploymentStatus s, boolean withChecks) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", s.id());
        node.put("alias", s.alias());
        node.put("provider", s.provider());
        node.put("model", s.upstreamModel());
        node.put("enabled", s.enabled());
        node.put("breaker", wireName(s.breaker().name()));
        node.put("health", wireName(s.health().name()));
        node.put("uptimePercent", s.uptimePercent());
        node.put("inFlight", s.inFlight());
        node.put("latencyEwmaMs", s.latencyEwmaMillis());
        node.put("requests", s.requests());
        node.put("failures", s.failures());
        if (withChecks) {
            ArrayNode checks = node.putArray("recentChecks");
            for (HealthCheck check : s.recentChecks()) {
                ObjectNode c = checks.addObject();
                c.put("at", check.at().toString());
                c.put("source", check.source());
                c.put("ok", check.ok());
                c.put("latencyMs", check.latency().toMillis());
                if (check.error() != null) {
                    c.put("error", check.error());
                }
            }
        }
        return node;
    }

    private static UsageDimension dimension(String text) {
        for (UsageDimension d : PUBLIC_DIMENSIONS) {
            if (wireName(d).equals(text)) {
                return d;
            }
        }
        throw BatonException.invalidInput("groupBy", "must be one of " + DIMENSIONS + ", got '" + text + "'");
    }

    static String wireName(UsageDimension dimension) {
        return dimension.name().toLowerCase(Locale.ROOT);
    }

    /** {@code HALF_OPEN} → {@code half-open}. */
    private static String wireName(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Instant instant(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw BatonException.invalidInput(name, "must be an ISO-8601 instant like 2026-01-31T12:00:00Z, got '"
                    + text + "'");
        }
    }
}
