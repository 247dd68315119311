package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.engine.Engine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.Page;
import dev.baton.core.store.RunQuery;
import dev.baton.core.store.RunStore;
import dev.baton.core.workflow.InputValidator;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowCatalog;
import dev.baton.server.ConfigSource;
import dev.baton.server.security.AuditTrail;
import dev.baton.server.security.RequestPrincipal;
import dev.baton.server.security.RunQuotas;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Run routes: start (async, start-and-wait, batch, idempotent), get, list, cancel, retry. Events are served by
 * {@link RunEventStream}. Every route acts in the tenant of the request's principal
 * ({@link RequestPrincipal#tenant}): another tenant's run or workflow answers 404 exactly like a missing one.
 * Handlers block on virtual threads.
 */
final class RunEndpoints {
    /** Most inputs in one batch request. */
    static final int MAX_BATCH = 1000;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Set<String> LIST_PARAMETERS = Set.of("workflow", "status", "createdAfter", "createdBefore",
            "limit", "cursor");

    private final Engine engine;
    private final WorkflowCatalog catalog;
    private final RunStore runs;
    private final RequestBodies bodies;
    private final WireFormat wire;
    private final Duration maxWait;
    private final RunRetry retries;

    RunEndpoints(Engine engine, WorkflowCatalog catalog, RunStore runs, RequestBodies bodies, WireFormat wire,
                 Duration maxWait) {
        this.engine = engine;
        this.catalog = catalog;
        this.runs = runs;
        this.bodies = bodies;
        this.wire = wire;
        this.maxWait = maxWait;
        this.retries = new RunRetry(engine, runs);
    }

    /** Body of {@code POST /workflows/{id}/runs}. */
    record StartBody(JsonNode inputs, Integer priority, Integer version) {
        StartBody {
            checkPriority(priority);
            checkVersion(version);
            if (inputs != null && !inputs.isNull() && !inputs.isObject()) {
                throw BatonException.invalidInput("inputs", "must be an object of input name to value");
            }
        }
    }

    /** Body of {@code POST /workflows/{id}/runs/batch}. */
    record BatchBody(List<JsonNode> inputs, Integer priority, Integer version) {
        BatchBody {
            checkPriority(priority);
            checkVersion(version);
            if (inputs == null || inputs.isEmpty()) {
                throw BatonException.invalidInput("inputs", "must be a non-empty array of input objects");
            }
            if (inputs.size() > MAX_BATCH) {
                throw BatonException.invalidInput("inputs", "at most " + MAX_BATCH + " runs per batch, got " + inputs.size());
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) == null || !inputs.get(i).isObject()) {
                    throw BatonException.invalidInput("inputs[" + i + "]", "must be an object of input name to value");
                }
            }
            inputs = List.copyOf(inputs);
        }
    }

    /** Body of {@code POST /runs/{id}/cancel} (optional). */
    record CancelBody(String reason) {
    }

    private static void checkPriority(Integer priority) {
        if (priority != null && (priority < -100 || priority > 100)) {
            throw BatonException.invalidInput("priority", "must be between -100 and 100, got " + priority);
        }
    }

    private static void checkVersion(Integer version) {
        if (version != null && version < 0) {
            throw BatonException.invalidInput("version", "must be >= 1 (or 0 for the latest), got " + version);
        }
    }

    /** {@code POST /workflows/{id}/runs}: 202 + Location, or with {@code ?wait=} 200 when finished in time. */
    void start(Context ctx) throws InterruptedException {
        StartBody body = bodies.read(ctx, StartBody.class, true);
        Duration wait = waitParameter(ctx);
        String tenant = RequestPrincipal.tenant(ctx);
        String key = idempotencyKey(ctx);
        Run run = RunQuotas.start(ctx, key, () -> engine.start(new StartRequest(tenant, ctx.pathParam("id"),
                orZero(body.version()), body.inputs(), orZero(body.priority()), key, RunRequestTrace.traceParent(ctx))));
        RunRequestTrace.started(run);
        ctx.attribute(AuditTrail.TARGET, "run/" + run.id());
        ctx.header("Location", ApiRoutes.BASE + "/runs/" + run.id());
        if (wait == null) {
            Json.respond(ctx, 202, wire.run(run));
            return;
        }
        RunView view = engine.await(tenant, run.id(), wait);
        Json.respond(ctx, view.run().status().isTerminal() ? 200 : 202, wire.runView(view));
    }

    /** {@code POST /workflows/{id}/runs/batch}: one run per inputs object; 202 {@code {items: [run...]}}. */
    void startBatch(Context ctx) {
        BatchBody body = bodies.read(ctx, BatchBody.class, false);
        String key = idempotencyKey(ctx);
        String traceParent = RunRequestTrace.traceParent(ctx);
        String tenant = RequestPrincipal.tenant(ctx);
        checkBatchInputs(tenant, ctx.pathParam("id"), orZero(body.version()), body.inputs());
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode items = result.putArray("items");
        List<Run> started = RunQuotas.startBatch(ctx, body.inputs().size(), i -> key == null ? null : key + "/" + i,
                i -> engine.start(new StartRequest(
                tenant, ctx.pathParam("id"), orZero(body.version()), body.inputs().get(i), orZero(body.priority()),
                key == null ? null : key + "/" + i, traceParent)));
        started.forEach(run -> items.add(wire.run(run)));
        Json.respond(ctx, 202, result);
    }

    /**
     * Validates every item of a batch before any run starts, so an invalid item rejects the whole batch and
     * starts nothing; each complaint names its item, e.g. {@code inputs[3].n}.
     */
    private void checkBatchInputs(String tenant, String workflowId, int version, List<JsonNode> inputs) {
        Workflow workflow = catalog.resolve(tenant, workflowId, version);
        InputValidator validator = catalog.validator().inputValidator();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            try {
                validator.validate(workflow, inputs.get(i));
            } catch (BatonException e) {
                String item = "inputs[" + i + "]";
                if (e.errors().isEmpty()) {
                    errors.add(new FieldError(item, e.getMessage()));
                }
                for (FieldError error : e.errors()) {
                    errors.add(new FieldError(error.field().isEmpty() ? item : item + "." + error.field(),
                            error.message()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new BatonException(ErrorCode.INVALID_INPUT, errors.size() + " batch item(s) have invalid inputs;"
                    + " no run was started: " + String.join("; ", errors.stream().map(FieldError::toString).toList()),
                    errors);
        }
    }

    /** {@code GET /runs/{id}}: the run with every step and attempt. */
    void get(Context ctx) {
        RunView view = engine.get(RequestPrincipal.tenant(ctx), ctx.pathParam("id"))
                .orElseThrow(() -> BatonException.notFound("run", ctx.pathParam("id")));
        Json.respond(ctx, 200, wire.runView(view));
    }

    /** {@code GET /runs?workflow=&status=&createdAfter=&createdBefore=&limit=&cursor=}: newest first. */
    void list(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!LIST_PARAMETERS.contains(name)) {
                throw BatonException.invalidInput(name, "unknown query parameter; known: " + LIST_PARAMETERS);
            }
        }
        RunStatus status = null;
        String statusText = ctx.queryParam("status");
        if (statusText != null) {
            status = Arrays.stream(RunStatus.values()).filter(s -> s.wireName().equals(statusText)).findFirst()
                    .orElseThrow(() -> BatonException.invalidInput("status", "must be one of "
                            + Arrays.stream(RunStatus.values()).map(RunStatus::wireName).toList() + ", got '" + statusText + "'"));
        }
        int limit = 50;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw BatonException.invalidInput("limit", "must be an integer between 1 and 1000, got '" + limitText + "'");
            }
        }
        RunQuery query = new RunQuery(ctx.queryParam("workflow"), status, instant(ctx, "createdAfter"),
                instant(ctx, "createdBefore"), ctx.queryParam("cursor"), limit);
        Page<Run> page = runs.list(RequestPrincipal.tenant(ctx), query);
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode items = result.putArray("items");
        page.items().forEach(run -> items.add(wire.run(run)));
        result.put("nextCursor", page.nextCursor());
        Json.respond(ctx, 200, result);
    }

    /** {@code POST /runs/{id}/cancel}: 200 with the run as it is after the request (cancellation is prompt). */
    void cancel(Context ctx) {
        CancelBody body = bodies.read(ctx, CancelBody.class, true);
        String reason = body.reason() == null || body.reason().isBlank() ? "cancelled through the API" : body.reason();
        Run run = engine.cancel(RequestPrincipal.tenant(ctx), ctx.pathParam("id"), reason);
        Json.respond(ctx, 200, wire.run(run));
    }

    /**
     * {@code POST /runs/{id}/retry}: 202 + Location with a new run of the same workflow version, inputs and
     * priority, and {@code retryOf} (the old run's id); see {@link RunRetry}.
     */
    void retry(Context ctx) {
        String runId = ctx.pathParam("id");
        String key = idempotencyKey(ctx);
        // 404/409 come before any quota refusal: a retry of an unknown or running run claims nothing
        Run old = retries.retryable(RequestPrincipal.tenant(ctx), runId);
        Run run = RunQuotas.start(ctx, RunRetry.scopedKey(runId, key), () -> retries.start(old, key,
                RunRequestTrace.traceParent(ctx)));
        RunRequestTrace.started(run);
        ctx.header("Location", ApiRoutes.BASE + "/runs/" + run.id());
        ObjectNode result = wire.run(run);
        result.put("retryOf", runId);
        Json.respond(ctx, 202, result);
    }

    private Duration waitParameter(Context ctx) {
        String text = ctx.queryParam("wait");
        if (text == null) {
            return null;
        }
        Duration wait = ConfigSource.duration("wait", text);
        if (wait.compareTo(maxWait) > 0) {
            throw BatonException.invalidInput("wait", "must be at most " + maxWait.toSeconds() + "s, got '" + text + "'");
        }
        return wait;
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) {
            return null;
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw BatonException.invalidInput("Idempotency-Key",
                    "must be 1 to 200 visible ASCII characters without spaces");
        }
        return key;
    }

    private static Instant instant(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw BatonException.invalidInput(name, "must be an ISO-8601 instant like 2026-01-31T12:00:00Z, got '" + text + "'");
        }
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
