package dev.baton.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.workflow.DurationFormat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A strict, read-only view of one node of a configuration tree with its path ({@code gateway.models.fast}).
 * Every accessor checks the node's JSON type and fails with {@link BatonException} {@code INVALID_INPUT} whose
 * single {@link FieldError} names the exact path; {@link #fields} rejects unknown keys with a "did you mean"
 * for a close known one. Used by {@link GatewayConfigReader} and the other strict section readers (observability). Immutable; thread-safe.
 *
 * <p>"Missing" means absent or YAML {@code null} ({@code key:} with nothing after it): the default applies.
 */
public final class ConfigTree {
    private final String path;
    private final JsonNode node;

    public ConfigTree(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    public String path() {
        return path;
    }

    public boolean isMissing() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    /** The child {@code key} (possibly missing). */
    public ConfigTree get(String key) {
        return new ConfigTree(path.isEmpty() ? key : path + "." + key, isMissing() ? null : node.get(key));
    }

    /**
     * Requires a mapping (when present) whose keys are all in {@code known}; returns this.
     *
     * @throws BatonException naming the first unknown key, with a suggestion when one is close
     */
    public ConfigTree fields(Set<String> known) {
        if (isMissing()) {
            return this;
        }
        if (!node.isObject()) {
            throw invalid(path, "must be a mapping of " + String.join(", ", sorted(known)) + ", got "
                    + describe(node));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                String closest = closest(key, known);
                throw invalid(path.isEmpty() ? key : path + "." + key, "unknown setting '" + key + "'"
                        + (closest != null ? "; did you mean '" + closest + "'?" : "")
                        + " Known: " + String.join(", ", sorted(known)));
            }
        }
        return this;
    }

    /** The keys of a mapping in document order (empty when missing). */
    public Map<String, ConfigTree> entries() {
        if (isMissing()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(path, "must be a mapping, got " + describe(node));
        }
        Map<String, ConfigTree> entries = new LinkedHashMap<>();
        node.properties().forEach(e -> entries.put(e.getKey(), get(e.getKey())));
        return entries;
    }

    /** The elements of a sequence (empty when missing). */
    public List<ConfigTree> elements() {
        if (isMissing()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(path, "must be a list, got " + describe(node));
        }
        List<ConfigTree> elements = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            elements.add(new ConfigTree(path + "[" + i + "]", node.get(i)));
        }
        return elements;
    }

    public String text(String fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw invalid(path, "must be a string, got " + describe(node));
        }
        String value = node.asText().strip();
        if (value.isEmpty()) {
            throw invalid(path, "must not be empty");
        }
        return value;
    }

    public String requiredText() {
        String value = text(null);
        if (value == null) {
            throw invalid(path, "is required");
        }
        return value;
    }

    public long integer(long fallback, long min, long max) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw invalid(path, "must be a whole number, got " + describe(node));
        }
        long value = node.asLong();
        if (value < min || value > max) {
            throw invalid(path, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public double decimal(double fallback, double min, double max) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw invalid(path, "must be a number, got " + describe(node));
        }
        double value = node.asDouble();
        if (!(value >= min && value <= max)) {
            throw invalid(path, "must be between " + min + " and " + max + ", got " + node.asText());
        }
        return value;
    }

    public boolean bool(boolean fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw invalid(path, "must be true or false, got " + describe(node));
        }
        return node.asBoolean();
    }

    /** A duration in Baton's syntax ({@code 500ms}, {@code 30s}, {@code 1m30s}, {@code PT30S}). */
    public Duration duration(Duration fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw invalid(path, "must be a duration like 500ms, 30s or 1h (with its unit), got " + describe(node));
        }
        try {
            return DurationFormat.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(path, e.getMessage());
        }
    }

    /** A {@code env:NAME} / {@code file:/path} reference, or {@code null} when missing. */
    public SecretRef secret() {
        if (isMissing()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path, "must be a secret reference 'env:VARIABLE' or 'file:/path', got " + describe(node));
        }
        return SecretRef.parse(path, node.asText().strip());
    }

    /**
     * One of {@code choices} by its configuration name.
     *
     * @param choices configuration name → value, in the order they are listed in messages
     */
    public <T> T choice(T fallback, Map<String, T> choices) {
        if (isMissing()) {
            return fallback;
        }
        String value = text(null);
        T chosen = choices.get(value);
        if (chosen == null) {
            String closest = closest(value, choices.keySet());
            throw invalid(path, "must be one of " + String.join(", ", choices.keySet()) + ", got '" + value + "'"
                    + (closest != null ? "; did you mean '" + closest + "'?" : ""));
        }
        return chosen;
    }

    /** Runs a record constructor, turning its IllegalArgumentException into an error naming this path. */
    public <T> T build(Function<ConfigTree, T> constructor) {
        try {
            return constructor.apply(this);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid(path, e.getMessage() == null ? "is not valid" : e.getMessage());
        }
    }

    public static BatonException invalid(String path, String message) {
        return new BatonException(ErrorCode.INVALID_INPUT, path + ": " + message,
                List.of(new FieldError(path, message)));
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "the string '" + node.asText() + "'";
            case NUMBER -> "the number " + node.asText();
            case BOOLEAN -> "the boolean " + node.asText();
            case ARRAY -> "a list";
            case OBJECT, POJO -> "a mapping";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static List<String> sorted(Collection<String> names) {
        return names.stream().sorted().toList();
    }

    /**
     * The closest of {@code candidates} to {@code name} by edit distance (Levenshtein, 1966, counting an adjacent transposition as one edit as Damerau, 1964, does),
     * case-insensitive, accepted when at most a third of the longer name (minimum 1, maximum 3 edits) differs;
     * {@code null} when none is that close.
     */
    public static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : sorted(candidates)) {
            int distance = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            int allowed = Math.min(3, Math.max(1, Math.max(name.length(), candidate.length()) / 3));
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ({@code wieght → weight} is 1). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
