package dev.baton.core.error;

import java.util.List;
import java.util.Objects;

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
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.retriable = retriable;
        this.errors = List.copyOf(errors);
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

    /** Per-field complaints; empty when the message says it all. */
    public List<FieldError> errors() {
        return errors;
    }
}
