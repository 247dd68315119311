package dev.baton.core.run;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.util.Objects;

/**
 * The recorded error of a failed attempt or run.
 *
 * @param code      stable error code string (see {@link ErrorCode#code()})
 * @param message   human-readable message (secrets redacted)
 * @param retriable whether the failure was considered retriable
 */
public record StepError(String code, String message, boolean retriable) {
    public StepError {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    public static StepError of(BatonException e) {
        return new StepError(e.code().code(), e.getMessage(), e.retriable());
    }

    public static StepError of(ErrorCode code, String message) {
        return new StepError(code.code(), message, code.retriable());
    }
}
