package dev.baton.core.error;

import java.util.Objects;

/**
 * One precise complaint about an input: which field, why, and where in the source document.
 *
 * @param field    a JSON-pointer-like path of the offending field, e.g. {@code steps.fetch.retry.maxAttempts};
 *                 empty for the document as a whole
 * @param message  what is wrong, phrased so a user can act on it
 * @param location where in the source text the field is, or {@link SourceLocation#UNKNOWN}
 */
public record FieldError(String field, String message, SourceLocation location) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        location = location == null ? SourceLocation.UNKNOWN : location;
    }

    public FieldError(String field, String message) {
        this(field, message, SourceLocation.UNKNOWN);
    }

    @Override
    public String toString() {
        String where = location.isKnown() ? location + ": " : "";
        return where + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
