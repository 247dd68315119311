package dev.baton.server.api;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.BatonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The REST API under {@value #BASE}: installs every route, the request-id and body-size guards, and the
 * error mapping into a Javalin configuration. The route list is documented in {@code openapi.json} (served at
 * {@code GET /api/v1/openapi.json}); a test checks that the two agree.
 *
 * <p>Errors: {@link BatonException} → {@link Problems} (status by {@link ErrorCode.Kind}); Javalin's own
 * answers (unknown route 404, 405, 413 from the body limit, 415) → problem+json with a matching code;
 * anything else → 500 problem without internals, logged with the request id.
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

    private final RunEventStream events;

    private ApiRoutes(RunEventStream events) {
        this.events = events;
    }

    /** Ends open event streams, so that stopping the HTTP server does not wait for them. Idempotent. */
    @Override
    public void close() {
        events.closeAll();
    }

    /**
     * Installs the API for {@code node} into {@code config}.
     *
     * @param keepAlive interval of keep-alive comments on event streams
     * @return the installed API; close it before stopping the server
     */
    public static ApiRoutes install(JavalinConfig config, BatonNode node, Duration keepAlive) {
        long maxBody = node.config().server().maxRequestSize();
        config.http.maxRequestSize = maxBody;
        config.http.prefer405over404 = true;
        RequestBodies bodies = new RequestBodies(Json.MAPPER);
        WireFormat wire = new WireFormat(Json.MAPPER);
        String tenant = node.tenantId();
        var workflows = new WorkflowEndpoints(node, bodies, wire);
        var runs = new RunEndpoints(tenant, node.engine(), node.runStore(), bodies, wire,
                node.config().server().maxWait());
        var events = new RunEventStream(tenant, node.engine(), node.runStore(), wire, keepAlive);
        var templates = new TemplateEndpoints(node, bodies, wire);
        var health = new HealthEndpoints(node);
        byte[] openApi = openApiDocument();

        var routes = config.routes;
        routes.before(ctx -> {
            RequestIds.assign(ctx);
            long length = ctx.req().getContentLengthLong();
            if (length > maxBody) {
                throw new BatonException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body has " + length
                        + " bytes; the limit is " + maxBody + " bytes (server.maxRequestSize)");
            }
        });
        routes.after(ctx -> RequestIds.clear());

        routes.post(BASE + "/workflows", workflows::register);
        routes.get(BASE + "/workflows", workflows::list);
        routes.post(BASE + "/workflows/validate", workflows::validate);
        routes.get(BASE + "/workflows/{id}", workflows::get);
        routes.put(BASE + "/workflows/{id}", workflows::update);
        routes.delete(BASE + "/workflows/{id}", workflows::delete);
        routes.get(BASE + "/workflows/{id}/versions/{version}", workflows::getVersion);
        routes.post(BASE + "/workflows/{id}/runs", runs::start);
        routes.post(BASE + "/workflows/{id}/runs/batch", runs::startBatch);

        routes.get(BASE + "/runs", runs::list);
        routes.get(BASE + "/runs/{id}", runs::get);
        routes.post(BASE + "/runs/{id}/cancel", runs::cancel);
        routes.get(BASE + "/runs/{id}/events", events::stream);

        routes.get(BASE + "/templates", templates::list);
        routes.get(BASE + "/templates/{name}", templates::get);
        routes.post(BASE + "/templates/{name}", templates::instantiate);

        routes.get(BASE + "/health/live", health::live);
        routes.get(BASE + "/health/ready", health::ready);
        routes.get(BASE + "/openapi.json", ctx -> ctx.status(200).contentType("application/json").result(openApi));

        routes.exception(BatonException.class, (e, ctx) -> {
            if (e.code().kind() == ErrorCode.Kind.INTERNAL) {
                LOG.error("request {} {} failed [requestId={}]", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
            }
            Problems.render(ctx, Json.MAPPER, e);
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            String code = CODES_BY_STATUS.getOrDefault(e.getStatus(), "http-" + e.getStatus());
            String detail = e.getStatus() == 413
                    ? "the request body exceeds the limit of " + maxBody + " bytes (server.maxRequestSize)"
                    : e.getMessage();
            Problems.write(ctx, Json.MAPPER, e.getStatus(), code, detail, List.of());
        });
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed unexpectedly [requestId={}]", ctx.method(), ctx.path(),
                    RequestIds.of(ctx), e);
            Problems.write(ctx, Json.MAPPER, 500, ErrorCode.INTERNAL.code(),
                    "an unexpected error occurred; quote request id " + RequestIds.of(ctx) + " when reporting it",
                    List.of());
        });
        routes.error(404, ctx -> ensureProblem(ctx, "no route " + ctx.method() + " " + ctx.path()));
        routes.error(405, ctx -> ensureProblem(ctx, "method " + ctx.method() + " is not allowed on " + ctx.path()));
        return new ApiRoutes(events);
    }

    /** Turns a bare error status (set by Javalin itself) into a problem, unless a problem was already written. */
    private static void ensureProblem(Context ctx, String detail) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith(Problems.CONTENT_TYPE)) {
            return;
        }
        int status = ctx.statusCode();
        Problems.write(ctx, Json.MAPPER, status, CODES_BY_STATUS.getOrDefault(status, "http-" + status), detail,
                List.of());
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
