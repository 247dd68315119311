package dev.baton.core.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.error.SourceLocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Collects the errors of one parse or validation (all of them, not just the first) and reads typed fields,
 * recording a precise {@link FieldError} for every field of the wrong type. Not thread-safe: one per document.
 */
final class ParseContext {
    private final SourceMap sourceMap;
    private final List<FieldError> errors = new ArrayList<>();

    ParseContext(SourceMap sourceMap) {
        this.sourceMap = sourceMap;
    }

    SourceMap sourceMap() {
        return sourceMap;
    }

    SourceLocation locate(String path) {
        return sourceMap.locate(path);
    }

    void error(String path, String message) {
        errors.add(new FieldError(path, message, sourceMap.locate(path)));
    }

    void addAll(List<FieldError> more) {
        errors.addAll(more);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    int errorCount() {
        return errors.size();
    }

    /**
     * Throws INVALID_WORKFLOW listing every error (sorted by position) when there is any. The message is the
     * error itself when there is one, else {@code "<what>: <n> errors; the first: <error>"}.
     */
    void throwIfErrors(String what) {
        if (errors.isEmpty()) {
            return;
        }
        List<FieldError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt((FieldError e) -> e.location().line() == 0 ? Integer.MAX_VALUE : e.location().line())
                .thenComparingInt(e -> e.location().column()));
        String summary = sorted.size() == 1 ? sorted.getFirst().toString()
                : what + ": " + sorted.size() + " errors; the first: " + sorted.getFirst();
        throw new BatonException(ErrorCode.INVALID_WORKFLOW, summary, sorted);
    }

    /** Reports every member of {@code object} not in {@code allowed}, suggesting the closest allowed name. */
    void rejectUnknownFields(JsonNode object, String path, Set<String> allowed, String where) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                String suggestion = Suggestions.closest(name, allowed);
                error(child(path, name), "unknown field '" + name + "' " + where
                        + (suggestion == null ? "; allowed: " + String.join(", ", Suggestions.sorted(allowed))
                        : "; did you mean '" + suggestion + "'?"));
            }
        }
    }

    /** A string field, or null when absent; records an error when present but not a string. */
    String string(JsonNode parent, String name, String path) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            error(child(path, name), "must be a string, got " + describe(value));
            return null;
        }
        return value.textValue();
    }

    /** A duration field, or null when absent or invalid (then an error is recorded). */
    Duration duration(JsonNode parent, String name, String path, boolean positive) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        String field = child(path, name);
        if (value.isNumber()) {
            error(field, "a duration needs a unit; write e.g. '" + value.asText() + "s'");
            return null;
        }
        if (!value.isTextual()) {
            error(field, "must be a duration such as '30s', got " + describe(value));
            return null;
        }
        try {
            Duration duration = DurationFormat.parse(value.textValue());
            if (positive && duration.isZero()) {
                error(field, "must be longer than zero, got '" + value.textValue() + "'");
                return null;
            }
            return duration;
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return null;
        }
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING -> "the string '" + value.textValue() + "'";
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> value.asText();
            case NULL, MISSING -> "null";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
