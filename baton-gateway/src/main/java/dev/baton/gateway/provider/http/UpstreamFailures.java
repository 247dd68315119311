package dev.baton.gateway.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The one mapping from an upstream's answer or failure to a {@link BatonException}, shared by every HTTP
 * provider. Status rules follow the retry rules of OpenAI's and Anthropic's official SDKs (they retry 408, 409,
 * 429 and 5xx) and the provider SPI's contract:
 * <ul>
 *   <li>429 → {@code RATE_LIMITED}, retriable, with {@code retryAfter} per {@link RetryAfter};</li>
 *   <li>408, 409, 5xx (Anthropic's 529 "overloaded" included) → {@code UPSTREAM_UNAVAILABLE}, retriable (with
 *       {@code retryAfter} when the upstream sent one);</li>
 *   <li>any other non-2xx → {@code UPSTREAM_REJECTED}, not retriable, with the upstream's own error message;</li>
 *   <li>a body that is not the documented JSON → {@code UPSTREAM_INVALID_RESPONSE}, retriable, so the router
 *       tries another deployment;</li>
 *   <li>connection refused/reset, a body cut short → {@code UPSTREAM_UNAVAILABLE}; a timeout → {@code TIMEOUT}
 *       naming the timeout that fired; an interrupted caller → {@code CANCELLED}.</li>
 * </ul>
 * Error messages are read from OpenAI's {@code {"error":{"message":...}}}, Anthropic's
 * {@code {"type":"error","error":{"type":...,"message":...}}} and the {@code {"error":"text"}} some local servers
 * send; otherwise a short preview of the body is quoted. The API key, should an upstream echo it, is replaced by
 * {@code ***} in every message.
 */
public final class UpstreamFailures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PREVIEW_CHARS = 300;

    private UpstreamFailures() {
    }

    /**
     * The error for a non-2xx answer.
     *
     * @param target  what was called, e.g. {@code deployment openai-eu: POST /chat/completions}
     * @param status  the HTTP status
     * @param headers the response headers (for {@code Retry-After})
     * @param body    the response body as far as read (may be empty)
     * @param apiKey  the key sent, to redact from the message, or {@code null}
     * @param now     the current time, for HTTP-date {@code Retry-After} values
     */
    public static BatonException forStatus(String target, int status, HttpHeaders headers, byte[] body, String apiKey,
                                           Instant now) {
        String message = redact(target + " answered " + status + errorDetail(body), apiKey);
        Duration retryAfter = RetryAfter.from(headers, now).orElse(null);
        if (status == 429) {
            return new BatonException(ErrorCode.RATE_LIMITED, message, true, List.of(), null, retryAfter);
        }
        if (isRetriable(status)) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, message, true, List.of(), null, retryAfter);
        }
        return new BatonException(ErrorCode.UPSTREAM_REJECTED, message, false, List.of(), null);
    }

    /** Whether an answer with this status is worth another attempt: 408, 409, 429 and 5xx. */
    public static boolean isRetriable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * A response Baton cannot use (not JSON, not the documented shape, a stream without its terminator marker is
     * not this: that is {@link #truncated}). Retriable, so the router tries another deployment.
     */
    public static BatonException invalidResponse(String target, String reason, Throwable cause) {
        return new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE, target + ": invalid response: " + reason, true,
                List.of(), cause);
    }

    /** A response or stream that ended before it was complete. Retriable. */
    public static BatonException truncated(String target, String reason) {
        return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, target + ": " + reason);
    }

    /** A deadline of the deployment passed; {@code which} names it, e.g. {@code "idle timeout (200 ms)"}. */
    public static BatonException timeout(String target, String which) {
        return new BatonException(ErrorCode.TIMEOUT, target + ": " + which + " expired");
    }

    /** The calling thread was interrupted; the exchange has been abandoned. The interrupt flag is set again. */
    public static BatonException cancelled(String target) {
        Thread.currentThread().interrupt();
        return new BatonException(ErrorCode.CANCELLED, target + ": cancelled (the calling thread was interrupted)");
    }

    /**
     * The error for a failed exchange: connect/read failures, timeouts, interruption.
     *
     * @param error  what the HTTP client threw (an {@code ExecutionException}'s cause, unwrapped)
     * @param apiKey the key sent, to redact from the message, or {@code null}
     */
    public static BatonException forTransport(String target, Throwable error, String apiKey) {
        if (error instanceof BatonException baton) {
            return baton;
        }
        if (error instanceof DeadlineExceeded deadline) {
            return timeout(target, deadline.getMessage());
        }
        if (error instanceof InterruptedException || error instanceof InterruptedIOException
                || Thread.currentThread().isInterrupted()) {
            return cancelled(target);
        }
        if (error instanceof HttpConnectTimeoutException) {
            return timeout(target, "connect timeout");
        }
        if (error instanceof HttpTimeoutException) {
            return timeout(target, "read timeout");
        }
        String reason = error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + error.getMessage();
        if (error instanceof ConnectException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    redact(target + ": cannot connect (" + reason + ")", apiKey), error);
        }
        if (error instanceof IOException || error instanceof ClosedChannelException) {
            return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE,
                    redact(target + ": connection failed (" + reason + ")", apiKey), error);
        }
        return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE,
                redact(target + ": request failed (" + reason + ")", apiKey), error);
    }

    /** The upstream's error message from a JSON error body, or a preview of the body; {@code ""} when empty. */
    public static String errorMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            if (error != null && error.isObject()) {
                JsonNode message = error.get("message");
                JsonNode type = error.has("type") ? error.get("type") : error.get("code");
                String text = message != null && message.isTextual() ? message.textValue() : error.toString();
                return type != null && type.isTextual() && !type.textValue().isEmpty()
                        ? type.textValue() + ": " + text : text;
            }
            if (error != null && error.isTextual()) {
                return error.textValue();
            }
            if (root != null && root.get("message") != null && root.get("message").isTextual()) {
                return root.get("message").textValue();
            }
        } catch (IOException notJson) {
            // quoted below
        }
        return preview(body);
    }

    /** At most {@value #PREVIEW_CHARS} characters of a body, for messages. */
    public static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, PREVIEW_CHARS * 4), StandardCharsets.UTF_8).strip();
        return text.length() > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) + "…" : text;
    }

    /** {@code text} with every occurrence of {@code secret} replaced by {@code ***}. */
    public static String redact(String text, String secret) {
        return secret == null || secret.isEmpty() ? text : text.replace(secret, "***");
    }

    private static String errorDetail(byte[] body) {
        String message = errorMessage(body);
        return message.isEmpty() ? "" : ": " + message;
    }
}
