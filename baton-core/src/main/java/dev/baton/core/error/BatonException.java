package dev.baton.core.error;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of Baton. Carries a stable {@link ErrorCode}, whether the failure is worth retrying,
 * and optional per-field complaints. The HTTP edge renders it as RFC 9457 problem+json; the engine records its
 * code and message on the failed step attempt.
 *
 * <p>Unchecked. Thread-safe (immutable).
 */
public class BatonException extends RuntimeException {
    private final ErrorCode code;
    private final boolean retriable;
    private final List<FieldError> errors;
    private final Duration retryAfter;

    public BatonException(ErrorCode code, String message) {
        this(code, message, code.retriable(), List.of(), null);
    }

    public BatonException(ErrorCode code, String message, Throwable cause) {
        this(code, message, code.retriable(), List.of(), cause);
    }

    public BatonException(ErrorCode code, String message, List<FieldError> errors) {
        this(code, message, code.retriable(), errors, null);
    }

    public BatonException(ErrorCode code, String message, boolean retriable, List<FieldError> errors, Throwable cause) {
        this(code, message, retriable, errors, cause, null);
    }

    /**
     * The full constructor.
     *
     * @param retryAfter how long the caller should wait before trying again (from an upstream's
     *                   {@code Retry-After} or a token bucket's refill time); {@code null} when unknown
     */
    public BatonException(ErrorCode code, String message, boolean retriable, List<FieldError> errors, Throwable cause,
                          Duration retryAfter) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.retriable = retriable;
        this.errors = List.copyOf(errors);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** A {@link ErrorCode#RATE_LIMITED} error telling the caller when to come back. */
    public static BatonException rateLimited(String message, Duration retryAfter) {
        return new BatonException(ErrorCode.RATE_LIMITED, message, true, List.of(), null, retryAfter);
    }

    public static BatonException notFound(String what, String id) {
        return new BatonException(ErrorCode.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    public static BatonException invalidInput(String field, String message) {
        return new BatonException(ErrorCode.INVALID_INPUT, field + ": " + message, List.of(new FieldError(field, message)));
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether a retry policy may retry the failed operation. */
    public boolean retriable() {
        return retriable;
    }

    /** How long to wait before retrying, when known (HTTP edges send it as {@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Per-field complaints; empty when the message says it all. */
    public List<FieldError> errors() {
        return errors;
    }
}
