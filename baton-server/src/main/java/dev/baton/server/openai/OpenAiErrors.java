package dev.baton.server.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.api.Problems;
import io.javalin.http.Context;

/**
 * Errors of the OpenAI-compatible API in OpenAI's shape, {@code {"error": {"message", "type", "param",
 * "code"}}}, so that the official SDKs raise their usual exceptions ({@code BadRequestError},
 * {@code AuthenticationError}, {@code RateLimitError}...). The HTTP status comes from the one status mapper,
 * {@link Problems#status}; {@code Retry-After} as described below.
 *
 * <p>{@code type}: {@code invalid_request_error} (400, 404, 409, 413), {@code authentication_error} (401),
 * {@code rate_limit_error} (429; {@code insufficient_quota} for an exhausted budget), {@code timeout_error}
 * (504), {@code upstream_error} (502), {@code service_unavailable_error} (503), {@code server_error} (500).
 * {@code code}: OpenAI's code where one exists ({@code invalid_api_key}, {@code model_not_found},
 * {@code rate_limit_exceeded}, {@code insufficient_quota}), else Baton's {@link ErrorCode#code()}.
 * {@code param}: the first field error's path, else {@code null} ({@code model} for an unknown model).
 *
 * <p>{@code x-should-retry: true|false} tells the official SDKs, which retry 408, 409, 429 and 5xx by default,
 * whether retrying can help: {@code false} for errors Baton knows to be final (an upstream 4xx answered as 502,
 * an exhausted budget answered as 429), so a client does not repeat them; the kind's default
 * {@code Retry-After} is then left out too (an error's own {@code retryAfter} is always sent).
 * Stateless; thread-safe.
 */
public final class OpenAiErrors {
    /** The header OpenAI's SDKs read to decide whether to retry a failed request. */
    static final String SHOULD_RETRY = "x-should-retry";

    private OpenAiErrors() {
    }

    /** Writes {@code error} as the response (status, {@code Retry-After}, JSON body). */
    public static void render(Context ctx, ObjectMapper json, BatonException error) {
        // the error's own Retry-After always; the kind's default one only when a retry can help
        String retryAfter = Problems.retryAfter(error);
        if (retryAfter != null && (error.retriable() || error.retryAfter().isPresent())) {
            ctx.header("Retry-After", retryAfter);
        }
        ctx.header(SHOULD_RETRY, Boolean.toString(error.retriable()));
        ctx.status(Problems.status(error.code().kind()));
        ctx.contentType("application/json");
        ctx.result(body(json, error).toString());
    }

    /** Writes an error that has no {@link ErrorCode} of its own (unknown route 404, 405, 415, 413). */
    public static void render(Context ctx, ObjectMapper json, int status, String code, String message) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", status >= 500 ? "server_error" : "invalid_request_error");
        error.putNull("param");
        error.put("code", code);
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(body.toString());
    }

    /** The {@code {"error": {...}}} object for {@code error}. */
    static ObjectNode body(ObjectMapper json, BatonException error) {
        ObjectNode body = json.createObjectNode();
        ObjectNode out = body.putObject("error");
        out.put("message", error.getMessage());
        out.put("type", type(error.code()));
        if (!error.errors().isEmpty()) {
            out.put("param", error.errors().getFirst().field());
        } else if (error.code() == ErrorCode.NOT_FOUND) {
            out.put("param", "model");
        } else {
            out.putNull("param");
        }
        out.put("code", code(error));
        return body;
    }

    private static String type(ErrorCode code) {
        if (code == ErrorCode.BUDGET_EXCEEDED) {
            return "insufficient_quota";
        }
        return switch (code.kind()) {
            case INVALID, NOT_FOUND, CONFLICT, TOO_LARGE -> "invalid_request_error";
            case UNAUTHENTICATED -> "authentication_error";
            case FORBIDDEN -> "permission_error";
            case RATE_LIMITED -> "rate_limit_error";
            case TIMEOUT -> "timeout_error";
            case UPSTREAM -> "upstream_error";
            case UNAVAILABLE -> "service_unavailable_error";
            case INTERNAL -> "server_error";
        };
    }

    private static String code(BatonException error) {
        return switch (error.code()) {
            case UNAUTHENTICATED -> "invalid_api_key";
            // on /v1 the only thing that can be missing is the model alias (unknown routes are rendered apart)
            case NOT_FOUND -> "model_not_found";
            case RATE_LIMITED -> "rate_limit_exceeded";
            case BUDGET_EXCEEDED -> "insufficient_quota";
            default -> error.code().code();
        };
    }
}
