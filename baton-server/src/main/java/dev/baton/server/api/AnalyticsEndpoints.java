package dev.baton.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.store.AnalyticsWindow;
import dev.baton.core.store.RunAnalytics;
import dev.baton.core.store.StepStats;
import dev.baton.core.store.WorkflowStats;
import dev.baton.core.store.WorkflowStore;
import dev.baton.gateway.usage.UsageDimension;
import dev.baton.gateway.usage.UsageLatency;
import dev.baton.gateway.usage.UsageQuery;
import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageTotals;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /analytics}: figures computed from the store, so they survive restarts and agree across the nodes
 * sharing a database. Runs come from {@link RunAnalytics} (runs <em>created</em> in the window, top-level unless
 * {@code childRuns=true}); tokens, cost, latency and error rates of gateway calls from the {@link UsageStore}
 * (calls <em>finished</em> in the window). Window and limits: {@link AnalyticsParameters}. Every listing says
 * whether it was cut at the limit ({@code truncated}): run listings ask the store for one item more than the limit
 * ({@link RunAnalytics#MAX_FETCH} at most). Thread-safe.
 */
final class AnalyticsEndpoints {
    private static final Set<String> MODEL_PARAMETERS = Set.of("groupBy");
    private static final Set<String> RUN_PARAMETERS = Set.of(AnalyticsParameters.CHILD_RUNS);

    private final RunAnalytics runs;
    private final WorkflowStore workflows;
    private final UsageStore usage;
    private final InstantSource clock;

    /**
     * @param runs      run figures of every tenant (each request sees its principal's tenant only)
     * @param workflows to tell an unknown workflow (404) from one without runs in the window
     * @param usage     the gateway's usage records
     * @param clock     "now" for default and relative windows
     */
    AnalyticsEndpoints(RunAnalytics runs, WorkflowStore workflows, UsageStore usage, InstantSource clock) {
        this.runs = Objects.requireNonNull(runs, "runs");
        this.workflows = Objects.requireNonNull(workflows, "workflows");
        this.usage = Objects.requireNonNull(usage, "usage");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * {@code GET /analytics/workflows}: {@code {from, to, childRuns, items: [workflow], truncated}}, most runs
     * first.
     */
    void workflows(Context ctx) {
        AnalyticsParameters parameters = AnalyticsParameters.read(ctx, clock, RUN_PARAMETERS);
        AnalyticsWindow window = parameters.window();
        List<WorkflowStats> stats = runs.workflows(RequestPrincipal.tenant(ctx), window, parameters.limit() + 1);
        Map<String, UsageTotals> usageByWorkflow = byKey(usage.summarize(
                new UsageQuery(UsageDimension.WORKFLOW, window.from(), window.to(),
                        Map.of(UsageDimension.TENANT, UsageTenant.of(ctx)))));
        ObjectNode result = AnalyticsJson.answer(window);
        ArrayNode items = result.putArray("items");
        for (WorkflowStats s : stats.subList(0, Math.min(stats.size(), parameters.limit()))) {
            items.add(AnalyticsJson.workflow(s, usageByWorkflow.get(s.workflowId())));
        }
        result.put("truncated", stats.size() > parameters.limit());
        Json.respond(ctx, 200, result);
    }

    /**
     * {@code GET /analytics/workflows/{id}}: the workflow's figures and usage with {@code steps: [step]} (by step
     * id) and {@code truncated}; 404 when the workflow is unknown and has no run in the window.
     */
    void workflow(Context ctx) {
        String tenant = RequestPrincipal.tenant(ctx);
        String workflowId = ctx.pathParam("id");
        AnalyticsParameters parameters = AnalyticsParameters.read(ctx, clock, RUN_PARAMETERS);
        AnalyticsWindow window = parameters.window();
        WorkflowStats stats = runs.workflow(tenant, workflowId, window).orElseGet(() -> {
            if (workflows.latest(tenant, workflowId).isEmpty()) {
                throw BatonException.notFound("workflow", workflowId);
            }
            return WorkflowStats.empty(workflowId);
        });
        List<StepStats> steps = runs.steps(tenant, workflowId, window, parameters.limit() + 1);
        List<UsageTotals> byStep = usage.summarize(new UsageQuery(UsageDimension.STEP, window.from(), window.to(),
                Map.of(UsageDimension.WORKFLOW, workflowId, UsageDimension.TENANT, UsageTenant.of(ctx))));
        Map<String, UsageTotals> usageByStep = new HashMap<>();
        for (UsageTotals t : byStep) {
            usageByStep.merge(StepStats.stepOf(t.key()), t, AnalyticsJson::plus);
        }
        ObjectNode result = AnalyticsJson.answer(window);
        result.setAll(AnalyticsJson.workflow(stats, AnalyticsJson.sum(byStep)));
        ArrayNode items = result.putArray("steps");
        for (StepStats s : steps.subList(0, Math.min(steps.size(), parameters.limit()))) {
            items.add(AnalyticsJson.step(s, usageByStep.get(s.stepId())));
        }
        result.put("truncated", steps.size() > parameters.limit());
        Json.respond(ctx, 200, result);
    }

    /**
     * {@code GET /analytics/models?groupBy=model|deployment}: per model alias (default) or deployment, calls,
     * errors, error rate, latency percentiles, tokens and cost, most calls first; with {@code total}.
     */
    void models(Context ctx) {
        AnalyticsParameters parameters = AnalyticsParameters.read(ctx, clock, MODEL_PARAMETERS);
        AnalyticsWindow window = parameters.window();
        String groupByText = ctx.queryParam("groupBy");
        UsageDimension groupBy;
        if (groupByText == null || groupByText.isBlank() || groupByText.equals("model")) {
            groupBy = UsageDimension.MODEL;
        } else if (groupByText.equals("deployment")) {
            groupBy = UsageDimension.DEPLOYMENT;
        } else {
            throw BatonException.invalidInput("groupBy", "must be model or deployment, got '" + groupByText + "'");
        }
        UsageQuery query = new UsageQuery(groupBy, window.from(), window.to(),
                Map.of(UsageDimension.TENANT, UsageTenant.of(ctx)));
        List<UsageLatency> latencies = usage.latencies(query);
        List<UsageTotals> totals = usage.summarize(query);
        Map<String, UsageTotals> totalsByKey = byKey(totals);
        ObjectNode result = AnalyticsJson.answer(window);
        result.remove("childRuns");
        result.put("groupBy", groupBy == UsageDimension.MODEL ? "model" : "deployment");
        ArrayNode items = result.putArray("items");
        for (UsageLatency latency : latencies.subList(0, Math.min(latencies.size(), parameters.limit()))) {
            items.add(AnalyticsJson.model(latency, totalsByKey.get(latency.key())));
        }
        ObjectNode total = AnalyticsJson.usage(AnalyticsJson.sum(totals));
        long calls = total.get("calls").asLong();
        total.put("errorRate", calls == 0 ? 0 : total.get("errors").asDouble() / calls);
        result.set("total", total);
        result.put("truncated", latencies.size() > parameters.limit());
        Json.respond(ctx, 200, result);
    }

    /**
     * {@code GET /analytics/keys}: per API key (the gateway's principal) calls, errors, tokens and cost, largest
     * cost first; and {@code runs}, the tenant's runs by status in the window.
     */
    void keys(Context ctx) {
        AnalyticsParameters parameters = AnalyticsParameters.read(ctx, clock, RUN_PARAMETERS);
        AnalyticsWindow window = parameters.window();
        List<UsageTotals> byKey = usage.summarize(new UsageQuery(UsageDimension.PRINCIPAL, window.from(),
                window.to(), Map.of(UsageDimension.TENANT, UsageTenant.of(ctx))));
        ObjectNode result = AnalyticsJson.answer(window);
        ArrayNode items = result.putArray("items");
        for (UsageTotals t : byKey.subList(0, Math.min(byKey.size(), parameters.limit()))) {
            items.add(AnalyticsJson.keyed(t));
        }
        result.set("total", AnalyticsJson.usage(AnalyticsJson.sum(byKey)));
        result.put("truncated", byKey.size() > parameters.limit());
        result.set("runs", AnalyticsJson.tenant(runs.tenant(RequestPrincipal.tenant(ctx), window)));
        Json.respond(ctx, 200, result);
    }

    private static Map<String, UsageTotals> byKey(List<UsageTotals> totals) {
        Map<String, UsageTotals> map = new HashMap<>();
        for (UsageTotals t : totals) {
            map.put(t.key(), t);
        }
        return map;
    }
}
