package dev.baton.server.api;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One log line per API request, when it is answered: {@code GET /api/v1/runs 200 3ms} with the fields
 * {@code method}, {@code path} (without the query string, which may carry tokens), {@code status},
 * {@code durationMs} as key-value pairs (JSON fields in the JSON log format) and the {@code requestId} from the
 * MDC. INFO for the API ({@code /api/v1}, {@code /v1}); DEBUG for health probes, {@code /metrics} and the OpenAPI
 * document, which are polled. Logger {@code dev.baton.server.api.RequestLog} (set it to WARN to silence).
 */
final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
    private static final String STARTED = "baton.requestStarted";

    private RequestLog() {
    }

    /** Notes when the request arrived; the first handler of every request. */
    static void started(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    /** Writes the line; an after-handler, so the status is the one answered (errors included). */
    static void finished(Context ctx) {
        String path = ctx.path();
        Level level = polled(path) ? Level.DEBUG : Level.INFO;
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        Long started = ctx.attribute(STARTED);
        long durationMs = started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
        String method = ctx.method().name();
        int status = ctx.statusCode();
        LOG.atLevel(level)
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("durationMs", durationMs)
                .log("{} {} {} {}ms", method, path, status, durationMs);
    }

    /** Routes that monitoring polls: logged at DEBUG so they do not drown the request log. */
    static boolean polled(String path) {
        return path.startsWith(ApiRoutes.BASE + "/health") || path.equals("/metrics")
               || path.equals(ApiRoutes.BASE + "/openapi.json") || path.startsWith("/health");
    }
}
