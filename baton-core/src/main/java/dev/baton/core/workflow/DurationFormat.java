package dev.baton.core.workflow;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of the workflow language: a sequence of {@code <integer><unit>} with units {@code d},
 * {@code h}, {@code m}, {@code s}, {@code ms} in decreasing order, e.g. {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 1d}, {@code 1m30s}; or ISO-8601 as accepted by {@link Duration#parse} ({@code PT30S},
 * {@code P1DT2H}). Step handlers use it for duration arguments ({@code timeout: "30s"}).
 */
public final class DurationFormat {
    private static final Pattern COMPACT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long MAX_DAYS = 36_500;

    private DurationFormat() {
    }

    /**
     * Parses a duration.
     *
     * @param text e.g. {@code "1m30s"} or {@code "PT90S"}
     * @return a non-negative duration of at most 100 years
     * @throws IllegalArgumentException with a message saying what is accepted
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration must not be empty; use e.g. '500ms', '30s', '5m', '1h30m' or 'PT30S'");
        }
        String s = text.strip();
        Duration duration;
        if (s.startsWith("P") || s.startsWith("p") || s.startsWith("-P")) {
            try {
                duration = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        } else {
            Matcher m = COMPACT.matcher(s);
            if (!m.matches() || s.isEmpty()) {
                throw invalid(text);
            }
            try {
                duration = Duration.ofDays(number(m.group(1)))
                        .plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3)))
                        .plusSeconds(number(m.group(4)))
                        .plusMillis(number(m.group(5)));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("duration '" + text + "' is too long");
            }
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration '" + text + "' must not be negative");
        }
        if (duration.toDays() > MAX_DAYS) {
            throw new IllegalArgumentException("duration '" + text + "' is longer than 100 years");
        }
        return duration;
    }

    /** Formats a duration in the compact syntax, e.g. {@code 1m30s}, {@code 250ms}, {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long days = duration.toDays();
        if (days > 0) {
            out.append(days).append('d');
        }
        append(out, duration.toHoursPart(), "h");
        append(out, duration.toMinutesPart(), "m");
        append(out, duration.toSecondsPart(), "s");
        append(out, duration.toMillisPart(), "ms");
        return out.isEmpty() ? duration.toString() : out.toString();
    }

    private static void append(StringBuilder out, long value, String unit) {
        if (value > 0) {
            out.append(value).append(unit);
        }
    }

    private static long number(String group) {
        if (group == null) {
            return 0;
        }
        if (group.length() > 12) {
            throw new ArithmeticException("too long");
        }
        return Long.parseLong(group);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; use e.g. '500ms', '30s', '5m', '2h', '1d',"
                + " '1m30s' or ISO-8601 'PT30S'");
    }
}
