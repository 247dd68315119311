package dev.baton.server.api;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.BatonNode;
import dev.baton.server.NodeGateway;
import dev.baton.server.NodeStartup;
import dev.baton.server.openai.OpenAiEndpoints;
import dev.baton.server.openai.OpenAiErrors;
import dev.baton.server.security.Access;
import dev.baton.server.transport.Cors;
import dev.baton.server.security.ApiSecurity;
import dev.baton.server.security.ApiKeyIssuer;
import dev.baton.core.security.Permission;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The REST API under {@value #BASE}: installs every route, the request-id and body-size guards, and the
 * error mapping into a Javalin configuration. The route list is documented in {@code openapi.json} (served at
 * {@code GET /api/v1/openapi.json}); a test checks that the two agree.
 *
 * <p>Also installs the OpenAI-compatible API under {@value OpenAiEndpoints#BASE} ({@link OpenAiEndpoints}) with
 * the same guards (request id, body-size limit, 503 until the node is open).
 *
 * <p>Errors: {@link BatonException} → {@link Problems} (status by {@link ErrorCode.Kind}); Javalin's own
 * answers (unknown route 404, 405, 413 from the body limit, 415) → problem+json with a matching code;
 * anything else → 500 problem without internals, logged with the request id. Under {@code /v1} the same
 * statuses are rendered in OpenAI's error shape instead ({@link OpenAiErrors}).
 */
public final class ApiRoutes implements AutoCloseable {
    /** The base path of every route. */
    public static final String BASE = "/api/v1";
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final Map<Integer, String> CODES_BY_STATUS = Map.of(
            400, ErrorCode.INVALID_INPUT.code(),
            404, ErrorCode.NOT_FOUND.code(),
            405, "method-not-allowed",
            409, ErrorCode.CONFLICT.code(),
            413, ErrorCode.PAYLOAD_TOO_LARGE.code(),
            415, "unsupported-media-type",
            503, ErrorCode.NOT_READY.code());

    /** The routes that need an open node, built once it is open. */
    private record Endpoints(WorkflowEndpoints workflows, RunEndpoints runs, RunEventStream events,
                             TemplateEndpoints templates, GatewayEndpoints gateway, OpenAiEndpoints openAi,
                             AnalyticsEndpoints analytics, SystemEndpoints system, KeyEndpoints keys,
                             AuditEndpoints audit) {
    }

    private final NodeStartup startup;
    private final AtomicReference<Endpoints> endpoints = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ApiRoutes(NodeStartup startup) {
        this.startup = startup;
    }

    /** Ends open event streams, so that stopping the HTTP server does not wait for them. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
        Endpoints ready = endpoints.get();
        if (ready != null) {
            ready.events().closeAll();
        }
    }

    /** The node's endpoints, or NOT_READY (503, {@code Retry-After}) while the node is still opening. */
    private Endpoints ready() {
        Endpoints ready = endpoints.get();
        if (ready != null) {
            return ready;
        }
        startup.require();
        // Opened between the two reads: the completion callback is about to publish the endpoints.
        throw new BatonException(ErrorCode.NOT_READY, "the node is starting; retry shortly");
    }

    /**
     * Installs the API for an open {@code node} into {@code config}.
     *
     * @param keepAlive interval of keep-alive comments on event streams
     * @return the installed API; close it before stopping the server
     */
    public static ApiRoutes install(JavalinConfig config, BatonNode node, Duration keepAlive) {
        return install(config, NodeStartup.opened(node), keepAlive);
    }

    /**
     * Installs the API for a node that may still be opening into {@code config}. Liveness, readiness and the
     * OpenAPI document answer at once; every other route answers 503 problem+json ({@code not-ready},
     * {@code Retry-After}) until the node is open, and from then on serves it.
     *
     * @param keepAlive interval of keep-alive comments on event streams
     * @return the installed API; close it before stopping the server
     */
    public static ApiRoutes install(JavalinConfig config, NodeStartup startup, Duration keepAlive) {
        long maxBody = startup.config().server().maxRequestSize();
        config.http.maxRequestSize = maxBody;
        config.http.prefer405over404 = true;
        ApiRoutes api = new ApiRoutes(startup);
        RequestSpans spans = new RequestSpans();
        startup.future().thenAccept(node -> {
            spans.bind(node.tracing().openTelemetry());
            RequestBodies bodies = new RequestBodies(Json.MAPPER);
            WireFormat wire = new WireFormat(Json.MAPPER);
            NodeGateway gateway = node.gateway();
            Endpoints ready = new Endpoints(new WorkflowEndpoints(node, bodies, wire),
                    new RunEndpoints(node.engine(), node.catalog(), node.runStore(), bodies, wire,
                            node.config().server().maxWait()),
                    new RunEventStream(node.engine(), node.runStore(), wire, keepAlive),
                    new TemplateEndpoints(node, bodies, wire),
                    new GatewayEndpoints(gateway.admin(), gateway.usage(), gateway.cache()),
                    new OpenAiEndpoints(gateway.gateway(), Clock.systemUTC(), Json.MAPPER),
                    new AnalyticsEndpoints(node.runAnalytics(), node.workflowStore(), gateway.usage(),
                            Clock.systemUTC()),
                    new SystemEndpoints(node.monitoring(), node.config().observability().alerts().enabled(),
                            node.config().observability().alerts().webhook() != null),
                    new KeyEndpoints(node.apiKeys(), new ApiKeyIssuer(node.apiKeys()),
                            node.config().security().systemTenant(), bodies, Clock.systemUTC()),
                    new AuditEndpoints(node.auditLog(), Clock.systemUTC()));
            api.endpoints.set(ready);
            if (api.closed.get()) {
                ready.events().closeAll();
            }
        });
        var health = new HealthEndpoints(startup);
        var metrics = new MetricsEndpoint(startup);
        byte[] openApi = openApiDocument();

        var routes = config.routes;
        Cors.install(routes, startup.config().server().cors()); // first: errors of every later hook carry CORS too
        routes.before(ctx -> {
            RequestLog.started(ctx);
            RequestIds.assign(ctx);
            long length = ctx.req().getContentLengthLong();
            if (length > maxBody) {
                RequestBodies.discardRest(ctx);
                throw new BatonException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body has " + length
                        + " bytes; the limit is " + maxBody + " bytes (server.maxRequestSize)");
            }
        });
        routes.before(spans::start);
        ApiSecurity.install(routes, startup);
        routes.after(RequestLog::finished); // first: the line carries the span's traceId before spans.end clears it
        routes.after(spans::end);
        routes.after(ctx -> RequestIds.clear());

        routes.post(BASE + "/workflows", ctx -> api.ready().workflows().register(ctx),
                Access.of(Permission.WORKFLOW_WRITE));
        routes.get(BASE + "/workflows", ctx -> api.ready().workflows().list(ctx), Access.of(Permission.WORKFLOW_READ));
        routes.post(BASE + "/workflows/validate", ctx -> api.ready().workflows().validate(ctx),
                Access.of(Permission.WORKFLOW_READ));
        routes.get(BASE + "/workflows/{id}", ctx -> api.ready().workflows().get(ctx),
                Access.of(Permission.WORKFLOW_READ));
        routes.put(BASE + "/workflows/{id}", ctx -> api.ready().workflows().update(ctx),
                Access.of(Permission.WORKFLOW_WRITE));
        routes.delete(BASE + "/workflows/{id}", ctx -> api.ready().workflows().delete(ctx),
                Access.of(Permission.WORKFLOW_WRITE));
        routes.get(BASE + "/workflows/{id}/versions/{version}", ctx -> api.ready().workflows().getVersion(ctx),
                Access.of(Permission.WORKFLOW_READ));
        routes.post(BASE + "/workflows/{id}/runs", ctx -> api.ready().runs().start(ctx),
                Access.of(Permission.RUN_START));
        routes.post(BASE + "/workflows/{id}/runs/batch", ctx -> api.ready().runs().startBatch(ctx),
                Access.of(Permission.RUN_START));

        routes.get(BASE + "/runs", ctx -> api.ready().runs().list(ctx), Access.of(Permission.RUN_READ));
        routes.get(BASE + "/runs/{id}", ctx -> api.ready().runs().get(ctx), Access.of(Permission.RUN_READ));
        routes.post(BASE + "/runs/{id}/cancel", ctx -> api.ready().runs().cancel(ctx),
                Access.of(Permission.RUN_OPERATE));
        routes.post(BASE + "/runs/{id}/retry", ctx -> api.ready().runs().retry(ctx), Access.of(Permission.RUN_OPERATE));
        routes.get(BASE + "/runs/{id}/events", ctx -> api.ready().events().stream(ctx), Access.of(Permission.RUN_READ));

        routes.get(BASE + "/templates", ctx -> api.ready().templates().list(ctx), Access.of(Permission.WORKFLOW_READ));
        routes.get(BASE + "/templates/{name}", ctx -> api.ready().templates().get(ctx),
                Access.of(Permission.WORKFLOW_READ));
        routes.post(BASE + "/templates/{name}", ctx -> api.ready().templates().instantiate(ctx),
                Access.of(Permission.WORKFLOW_WRITE));

        routes.get(BASE + "/gateway/deployments", ctx -> api.ready().gateway().deployments(ctx),
                Access.of(Permission.GATEWAY_READ));
        routes.get(BASE + "/gateway/deployments/{id}", ctx -> api.ready().gateway().deployment(ctx),
                Access.of(Permission.GATEWAY_READ));
        routes.post(BASE + "/gateway/deployments/{id}/enable", ctx -> api.ready().gateway().setEnabled(ctx, true),
                Access.of(Permission.GATEWAY_OPERATE));
        routes.post(BASE + "/gateway/deployments/{id}/disable",
                ctx -> api.ready().gateway().setEnabled(ctx, false), Access.of(Permission.GATEWAY_OPERATE));
        routes.get(BASE + "/gateway/cache", ctx -> api.ready().gateway().cacheStats(ctx),
                Access.of(Permission.GATEWAY_READ));
        routes.delete(BASE + "/gateway/cache", ctx -> api.ready().gateway().invalidateCache(ctx),
                Access.of(Permission.GATEWAY_OPERATE));
        routes.get(BASE + "/usage", ctx -> api.ready().gateway().usage(ctx), Access.of(Permission.GATEWAY_READ));

        routes.get(BASE + "/analytics/workflows", ctx -> api.ready().analytics().workflows(ctx),
                Access.of(Permission.RUN_READ));
        routes.get(BASE + "/analytics/workflows/{id}", ctx -> api.ready().analytics().workflow(ctx),
                Access.of(Permission.RUN_READ));
        routes.get(BASE + "/analytics/models", ctx -> api.ready().analytics().models(ctx),
                Access.of(Permission.GATEWAY_READ));
        routes.get(BASE + "/analytics/keys", ctx -> api.ready().analytics().keys(ctx),
                Access.of(Permission.GATEWAY_READ));
        routes.get(BASE + "/system", ctx -> api.ready().system().system(ctx), Access.of(Permission.SYSTEM_READ));
        routes.get(BASE + "/system/history", ctx -> api.ready().system().history(ctx),
                Access.of(Permission.SYSTEM_READ));
        routes.get(BASE + "/alerts", ctx -> api.ready().system().alerts(ctx), Access.of(Permission.SYSTEM_READ));
        routes.get(BASE + "/alerts/rules", ctx -> api.ready().system().rules(ctx), Access.of(Permission.SYSTEM_READ));
        routes.get(BASE + "/audit", ctx -> api.ready().audit().list(ctx), Access.of(Permission.AUDIT_READ));

        routes.post(BASE + "/keys", ctx -> api.ready().keys().create(ctx), Access.of(Permission.KEY_MANAGE));
        routes.get(BASE + "/keys", ctx -> api.ready().keys().list(ctx), Access.of(Permission.KEY_MANAGE));
        routes.get(BASE + "/keys/{id}", ctx -> api.ready().keys().get(ctx), Access.of(Permission.KEY_MANAGE));
        routes.delete(BASE + "/keys/{id}", ctx -> api.ready().keys().revoke(ctx), Access.of(Permission.KEY_MANAGE));

        String v1 = OpenAiEndpoints.BASE;
        routes.post(v1 + "/chat/completions", ctx -> api.ready().openAi().chatCompletions(ctx),
                Access.of(Permission.MODEL_CALL));
        routes.post(v1 + "/embeddings", ctx -> api.ready().openAi().embeddings(ctx), Access.of(Permission.MODEL_CALL));
        routes.get(v1 + "/models", ctx -> api.ready().openAi().models(ctx), Access.of(Permission.MODEL_READ));
        routes.get(v1 + "/models/<id>", ctx -> api.ready().openAi().model(ctx), Access.of(Permission.MODEL_READ));

        routes.get(BASE + "/health/live", health::live, Access.PUBLIC);
        routes.get(BASE + "/health/ready", health::ready, Access.PUBLIC);
        routes.get(BASE + "/health", health::detail, Access.PUBLIC);
        // the same at the root, where probes and scrapers look by convention (like /metrics)
        routes.get("/health/live", health::live, Access.PUBLIC);
        routes.get("/health/ready", health::ready, Access.PUBLIC);
        routes.get("/health", health::detail, Access.PUBLIC);
        routes.get(BASE + "/openapi.json", ctx -> ctx.status(200).contentType("application/json").result(openApi),
                Access.PUBLIC);
        // installation-wide figures (every tenant's workflow ids in labels): a system-tenant principal only
        routes.get(MetricsEndpoint.PATH, metrics::scrape, Access.of(Permission.SYSTEM_READ));

        routes.exception(BatonException.class, (e, ctx) -> {
            if (e.code().kind() == ErrorCode.Kind.INTERNAL) {
                LOG.error("request {} {} failed [requestId={}]", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
            }
            if (isOpenAi(ctx)) {
                OpenAiErrors.render(ctx, Json.MAPPER, e);
            } else {
                Problems.render(ctx, Json.MAPPER, e);
            }
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            String code = CODES_BY_STATUS.getOrDefault(e.getStatus(), "http-" + e.getStatus());
            String detail = e.getMessage();
            if (e.getStatus() == 413) {
                RequestBodies.discardRest(ctx);
                detail = "the request body exceeds the limit of " + maxBody + " bytes (server.maxRequestSize)";
            }
            write(ctx, e.getStatus(), code, detail);
        });
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed unexpectedly [requestId={}]", ctx.method(), ctx.path(),
                    RequestIds.of(ctx), e);
            write(ctx, 500, ErrorCode.INTERNAL.code(),
                    "an unexpected error occurred; quote request id " + RequestIds.of(ctx) + " when reporting it");
        });
        routes.error(404, ctx -> ensureProblem(ctx, "no route " + ctx.method() + " " + ctx.path()));
        routes.error(405, ctx -> ensureProblem(ctx, "method " + ctx.method() + " is not allowed on " + ctx.path()));
        return api;
    }

    /** Turns a bare error status (set by Javalin itself) into a problem, unless an error was already written. */
    private static void ensureProblem(Context ctx, String detail) {
        String type = ctx.res().getContentType();
        if (type != null && (type.startsWith(Problems.CONTENT_TYPE)
                             || isOpenAi(ctx) && type.startsWith("application/json"))) {
            return;
        }
        int status = ctx.statusCode();
        write(ctx, status, CODES_BY_STATUS.getOrDefault(status, "http-" + status), detail);
    }

    /** Whether the request is for the OpenAI-compatible API (errors in OpenAI's shape). */
    private static boolean isOpenAi(Context ctx) {
        String path = ctx.path();
        return path.equals(OpenAiEndpoints.BASE) || path.startsWith(OpenAiEndpoints.BASE + "/");
    }

    /** An error without an {@link ErrorCode} of its own, in the shape of the API the request is for. */
    private static void write(Context ctx, int status, String code, String detail) {
        if (isOpenAi(ctx)) {
            OpenAiErrors.render(ctx, Json.MAPPER, status, code, detail);
        } else {
            Problems.write(ctx, Json.MAPPER, status, code, detail, List.of());
        }
    }

    /** The OpenAPI document served at {@code /api/v1/openapi.json}. */
    static byte[] openApiDocument() {
        try (InputStream in = ApiRoutes.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
