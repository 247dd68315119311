package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scalar values of {@code baton.yaml} and its {@code BATON_*} variables: picks a setting (variable over file
 * over default) and parses it as an integer, a boolean, a size ({@code 1MiB}) or a duration ({@code 1m30s}),
 * failing with {@link BatonException} {@code INVALID_INPUT} naming the setting. Used by {@link ConfigSource} and
 * the section readers of this package. Stateless; thread-safe.
 */
final class ConfigValues {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private ConfigValues() {
    }

    /** The text of {@code node.key}, or {@code null} when missing or null. */
    static String text(JsonNode node, String key) {
        JsonNode value = node.path(key);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    /** The variable when set (trimmed), else the file's value, else {@code fallback}. */
    static String setting(Map<String, String> env, String variable, String fromFile, String fallback) {
        String fromEnv = env.get(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        return fromFile != null ? fromFile : fallback;
    }

    /** @throws BatonException INVALID_INPUT naming {@code setting} when {@code value} is not an integer */
    static int integer(String setting, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw BatonException.invalidInput(setting, "must be an integer, got '" + value + "'");
        }
    }

    /** {@code true/yes/on/1} or {@code false/no/off/0}; anything else fails naming {@code setting}. */
    static boolean bool(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw BatonException.invalidInput(setting, "must be true or false, got '" + value + "'");
        };
    }

    /** Parses {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 2GB} (binary units throughout). */
    static long size(String setting, String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw BatonException.invalidInput(setting, "must be a size like 1048576, 512KiB or 1MiB, got '" + value + "'");
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit.charAt(0)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.multiplyExact(number, factor);
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}).
     *
     * @throws BatonException INVALID_INPUT naming {@code setting} when the text is not a duration
     */
    static Duration duration(String setting, String value) {
        String text = value.trim();
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            Matcher m = DURATION_PART.matcher(text);
            Duration total = Duration.ZERO;
            int end = 0;
            while (m.find() && m.start() == end) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                end = m.end();
            }
            if (end == 0 || end != text.length()) {
                throw new IllegalArgumentException(text);
            }
            return total;
        } catch (RuntimeException e) {
            throw BatonException.invalidInput(setting, "must be a duration like 500ms, 30s, 1m30s or PT30S, got '" + value + "'");
        }
    }
}
