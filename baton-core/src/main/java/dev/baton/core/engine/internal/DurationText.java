package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations given to built-in steps at run time: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h},
 * {@code 1d}, combinations such as {@code 1m30s}, ISO-8601 ({@code PT30S}), or a number of milliseconds.
 */
final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationText() {
    }

    /** @throws BatonException INVALID_ARGUMENT naming {@code field} when the value is not a non-negative duration */
    static Duration parse(String field, JsonNode value) {
        if (value.isIntegralNumber() && value.longValue() >= 0) {
            return Duration.ofMillis(value.longValue());
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw invalid(field, "expected a duration such as 500ms, 30s, 1m30s or PT30S");
        }
        String text = value.textValue().trim();
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                Duration parsed = Duration.parse(text);
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
            throw invalid(field, "'" + text + "' is not a valid ISO-8601 duration");
        }
        Matcher matcher = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            end = matcher.end();
        }
        if (end == 0 || end != text.length()) {
            throw invalid(field, "'" + text + "' is not a duration (use e.g. 500ms, 30s, 1m30s)");
        }
        return total;
    }

    static BatonException invalid(String field, String message) {
        return new BatonException(ErrorCode.INVALID_ARGUMENT, field + ": " + message,
                List.of(new FieldError(field, message)));
    }
}
