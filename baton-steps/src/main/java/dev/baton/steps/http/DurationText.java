package dev.baton.steps.http;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of the workflow language: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d},
 * combinations in descending units such as {@code 1m30s}, or ISO-8601 ({@code PT30S}).
 */
final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|d|h|m|s)");
    private static final String UNITS = "d h m s ms";

    private DurationText() {
    }

    /** The duration, or null when {@code text} is not a valid duration. */
    static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p') {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        int lastUnit = -1;
        while (m.find() && m.start() == end) {
            int unit = UNITS.indexOf(m.group(2).equals("m") ? "m " : m.group(2));
            if (unit <= lastUnit) {
                return null;
            }
            lastUnit = unit;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        return end == s.length() ? total : null;
    }
}
