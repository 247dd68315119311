package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.workflow.DurationFormat;

import java.time.Duration;
import java.util.List;

/** Checks the arguments of the built-in flow-control steps at run time (after rendering). */
final class BuiltInArguments {
    private BuiltInArguments() {
    }

    /**
     * A duration argument in the language's syntax ({@link DurationFormat}) or a number of milliseconds.
     *
     * @throws BatonException INVALID_ARGUMENT naming {@code field}
     */
    static Duration duration(String field, JsonNode value) {
        if (value.isIntegralNumber() && value.longValue() >= 0) {
            return Duration.ofMillis(value.longValue());
        }
        if (!value.isTextual()) {
            throw invalid(field, "expected a duration such as 500ms, 30s, 1m30s or PT30S");
        }
        try {
            return DurationFormat.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            throw invalid(field, e.getMessage());
        }
    }

    /** An INVALID_ARGUMENT error for one field. */
    static BatonException invalid(String field, String message) {
        return new BatonException(ErrorCode.INVALID_ARGUMENT, field + ": " + message,
                List.of(new FieldError(field, message)));
    }
}
