package dev.baton.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import io.javalin.http.Context;

import java.util.List;

/**
 * The one place where Baton errors become HTTP: maps {@link ErrorCode.Kind} to a status code and renders RFC 9457
 * problem+json.
 *
 * <p>Status per kind: INVALID → 400 (malformed and semantically invalid input alike; the {@code code} member
 * says which, e.g. {@code invalid-workflow}, {@code invalid-input}), UNAUTHENTICATED → 401, FORBIDDEN → 403, NOT_FOUND → 404, CONFLICT → 409,
 * TOO_LARGE → 413, RATE_LIMITED → 429 with {@code Retry-After: 1}, TIMEOUT → 504, UPSTREAM → 502,
 * UNAVAILABLE → 503 with {@code Retry-After: 5}, INTERNAL → 500.
 *
 * <p>Body: {@code {type, title, status, detail, instance, code, requestId, errors: [{field, message, source?,
 * line?, column?}]}}; {@code type} is {@code urn:baton:problem:<code>}; line and column are present when the
 * position is known. Stateless; thread-safe.
 */
public final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {
    }

    /** The HTTP status of an error kind. */
    public static int status(ErrorCode.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case TIMEOUT -> 504;
            case UPSTREAM -> 502;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    /** A {@code Retry-After} value in seconds for kinds worth retrying later, or {@code null}. */
    public static String retryAfter(ErrorCode.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED -> "1";
            case UNAVAILABLE -> "5";
            default -> null;
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }

    /**
     * The {@code Retry-After} value (whole seconds, rounded up, at least 1) for {@code error}: its own
     * {@code retryAfter} when it has one, else the kind's default, else {@code null}.
     */
    public static String retryAfter(BatonException error) {
        return error.retryAfter()
                .map(d -> Long.toString(Math.max(1, (d.toMillis() + 999) / 1000)))
                .orElseGet(() -> retryAfter(error.code().kind()));
    }

    /** Writes {@code error} as the response. */
    static void render(Context ctx, ObjectMapper json, BatonException error) {
        int status = status(error.code().kind());
        String retryAfter = retryAfter(error);
        if (retryAfter != null) {
            ctx.header("Retry-After", retryAfter);
        }
        write(ctx, json, status, error.code().code(), error.getMessage(), error.errors());
    }

    /** Writes a problem for a status that has no {@link ErrorCode} of its own (404 route, 405, 415). */
    static void write(Context ctx, ObjectMapper json, int status, String code, String detail, List<FieldError> errors) {
        ObjectNode body = json.createObjectNode();
        body.put("type", "urn:baton:problem:" + code);
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.path());
        body.put("code", code);
        String requestId = RequestIds.of(ctx);
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        ArrayNode list = body.putArray("errors");
        for (FieldError error : errors) {
            ObjectNode item = list.addObject();
            item.put("field", error.field());
            item.put("message", error.message());
            if (!error.location().source().isEmpty()) {
                item.put("source", error.location().source());
            }
            if (error.location().isKnown()) {
                item.put("line", error.location().line());
                item.put("column", error.location().column());
            }
        }
        ctx.status(status);
        ctx.contentType(CONTENT_TYPE);
        ctx.result(body.toString());
    }
}
