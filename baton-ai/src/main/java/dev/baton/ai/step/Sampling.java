package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The sampling arguments of {@code llm.chat}, read from {@code with}; each bad value is an
 * {@code INVALID_ARGUMENT} naming it.
 *
 * @param temperature [0, 2], or null
 * @param topP        (0, 1], or null
 * @param maxTokens   ≥ 1, or null
 * @param stop        up to four non-empty strings
 * @param seed        any integer, or null
 */
record Sampling(Double temperature, Double topP, Integer maxTokens, List<String> stop, Long seed) {
    private static final int MAX_STOP = 4;

    /** Reads and checks {@code temperature, topP, maxTokens, stop, seed} (absent ones are null/empty). */
    static Sampling read(JsonNode arguments) {
        return new Sampling(decimal(arguments, "temperature", 0, 2, true), decimal(arguments, "topP", 0, 1, false),
                maxTokens(arguments), stop(arguments), seed(arguments));
    }

    /** A number in [min, max] ({@code (min, max]} when not {@code minInclusive}), or null when absent. */
    static Double decimal(JsonNode arguments, String field, double min, double max, boolean minInclusive) {
        JsonNode node = Arguments.optional(arguments, field);
        if (node == null) {
            return null;
        }
        String range = (minInclusive ? "[" : "(") + format(min) + ", " + format(max) + "]";
        if (!node.isNumber()) {
            throw Arguments.invalid(field, "must be a number in " + range + ", got " + Arguments.kind(node));
        }
        double value = node.doubleValue();
        if (!(minInclusive ? value >= min : value > min) || !(value <= max)) {
            throw Arguments.invalid(field, "must be in " + range + ", got " + node.asText());
        }
        return value;
    }

    /** {@code maxTokens}: an integer ≥ 1, or null. */
    static Integer maxTokens(JsonNode arguments) {
        JsonNode node = Arguments.optional(arguments, "maxTokens");
        return node == null ? null : Arguments.integer(node, "maxTokens", 1, Integer.MAX_VALUE);
    }

    /** {@code seed}: an integer, or null. */
    static Long seed(JsonNode arguments) {
        JsonNode node = Arguments.optional(arguments, "seed");
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw Arguments.invalid("seed", "must be an integer, got " + node);
        }
        return node.longValue();
    }

    /** {@code stop}: one string or a list of up to four non-empty strings; empty when absent. */
    static List<String> stop(JsonNode arguments) {
        JsonNode node = Arguments.optional(arguments, "stop");
        if (node == null) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(nonEmpty(node, "stop"));
        }
        if (!node.isArray() || node.size() > MAX_STOP) {
            throw Arguments.invalid("stop", "must be a string or a list of at most " + MAX_STOP + " strings, got "
                    + (node.isArray() ? node.size() + " strings" : Arguments.kind(node)));
        }
        List<String> stop = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            stop.add(nonEmpty(node.get(i), "stop[" + i + "]"));
        }
        return stop;
    }

    private static String nonEmpty(JsonNode node, String field) {
        if (!node.isTextual() || node.textValue().isEmpty()) {
            throw Arguments.invalid(field, "must be a non-empty string, got "
                    + (node.isTextual() ? "an empty string" : Arguments.kind(node)));
        }
        return node.textValue();
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
