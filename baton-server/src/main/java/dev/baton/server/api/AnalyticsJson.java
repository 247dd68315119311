package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.store.AnalyticsWindow;
import dev.baton.core.store.ErrorCount;
import dev.baton.core.store.Percentiles;
import dev.baton.core.store.StepStats;
import dev.baton.core.store.TenantStats;
import dev.baton.core.store.WorkflowStats;
import dev.baton.gateway.usage.UsageLatency;
import dev.baton.gateway.usage.UsageTotals;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shapes of the analytics routes (documented in docs/api.md and openapi.json). */
final class AnalyticsJson {
    private AnalyticsJson() {
    }

    /** {@code {from, to, childRuns}} of an answer. */
    static ObjectNode answer(AnalyticsWindow window) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("from", window.from().toString());
        node.put("to", window.to().toString());
        node.put("childRuns", window.childRuns());
        return node;
    }

    /** A workflow's run figures, with its gateway usage ({@code null} totals: none). */
    static ObjectNode workflow(WorkflowStats stats, UsageTotals usage) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("workflowId", stats.workflowId());
        node.put("runs", stats.runs());
        node.set("byStatus", counts(stats.byStatus()));
        node.put("finished", stats.finished());
        putRate(node, "successRate", stats.successRate());
        node.set("durationMs", percentiles(stats.duration()));
        node.put("retries", stats.retries());
        node.set("topErrors", errors(stats.topErrors()));
        node.set("usage", usage(usage));
        return node;
    }

    /** A step's attempt figures, with its gateway usage. */
    static ObjectNode step(StepStats stats, UsageTotals usage) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("stepId", stats.stepId());
        node.put("attempts", stats.attempts());
        node.set("byStatus", counts(stats.byStatus()));
        node.put("failures", stats.failures());
        node.put("timeouts", stats.timeouts());
        node.put("retries", stats.retries());
        node.set("durationMs", percentiles(stats.duration()));
        node.set("topErrors", errors(stats.topErrors()));
        node.set("usage", usage(usage));
        return node;
    }

    /** A tenant's run counts. */
    static ObjectNode tenant(TenantStats stats) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("tenantId", stats.tenantId());
        node.put("runs", stats.runs());
        node.set("byStatus", counts(stats.byStatus()));
        putRate(node, "successRate", stats.successRate());
        return node;
    }

    /** A model or deployment: calls, errors, tokens and cost ({@code totals}, may be null) and latency. */
    static ObjectNode model(UsageLatency latency, UsageTotals totals) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("key", latency.key());
        node.setAll(usage(totals));
        node.put("calls", latency.calls());
        node.put("errors", latency.errors());
        node.put("errorRate", latency.errorRate());
        node.set("latencyMs", percentiles(latency.latency()));
        node.set("timeToFirstTokenMs", percentiles(latency.timeToFirstToken()));
        return node;
    }

    /** {@code {calls, errors, cacheHits, inputTokens, outputTokens, totalTokens, estimated, costUsd}}. */
    static ObjectNode usage(UsageTotals t) {
        UsageTotals totals = t == null ? new UsageTotals("", 0, 0, 0, 0, 0, false, 0) : t;
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("calls", totals.calls());
        node.put("errors", totals.errors());
        node.put("cacheHits", totals.cacheHits());
        node.put("inputTokens", totals.inputTokens());
        node.put("outputTokens", totals.outputTokens());
        node.put("totalTokens", totals.inputTokens() + totals.outputTokens());
        node.put("estimated", totals.estimated());
        node.put("costUsd", totals.costUsd());
        return node;
    }

    /** One key's usage: {@code {key, ...usage}}. */
    static ObjectNode keyed(UsageTotals totals) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("key", totals.key());
        node.setAll(usage(totals));
        return node;
    }

    /** The sum of several groups' usage, under the key {@code ""}. */
    static UsageTotals sum(List<UsageTotals> groups) {
        UsageTotals total = null;
        for (UsageTotals t : groups) {
            total = plus(total, t);
        }
        return total;
    }

    /** Two groups' usage added up (either may be null), keyed as {@code a}, else as {@code b}. */
    static UsageTotals plus(UsageTotals a, UsageTotals b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return new UsageTotals(a.key(), a.calls() + b.calls(), a.errors() + b.errors(),
                a.cacheHits() + b.cacheHits(), a.inputTokens() + b.inputTokens(),
                a.outputTokens() + b.outputTokens(), a.estimated() || b.estimated(), a.costUsd() + b.costUsd());
    }

    private static <E extends Enum<E>> ObjectNode counts(Map<E, Long> byStatus) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        byStatus.forEach((status, n) -> node.put(status.name().toLowerCase(Locale.ROOT), n));
        return node;
    }

    private static ObjectNode percentiles(Percentiles p) {
        if (p == null) {
            return null;
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("p50", p.p50());
        node.put("p95", p.p95());
        node.put("p99", p.p99());
        return node;
    }

    private static ArrayNode errors(List<ErrorCount> errors) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (ErrorCount e : errors) {
            array.addObject().put("code", e.code()).put("count", e.count()).put("exampleRunId", e.exampleRunId());
        }
        return array;
    }

    private static void putRate(ObjectNode node, String name, Double rate) {
        if (rate == null) {
            node.putNull(name);
        } else {
            node.put(name, rate);
        }
    }
}
