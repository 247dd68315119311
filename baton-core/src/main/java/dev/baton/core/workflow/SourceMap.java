package dev.baton.core.workflow;

import dev.baton.core.error.SourceLocation;

import java.util.Map;
import java.util.Objects;

/**
 * Where each field of a parsed document is, by field path ({@code steps.fetch.retry.maxAttempts},
 * {@code steps.fetch.needs[1]}). A path that was not recorded resolves to its nearest recorded ancestor.
 *
 * @param source    the document's name (file name or label)
 * @param locations positions by field path; the root is the empty path
 */
public record SourceMap(String source, Map<String, SourceLocation> locations) {
    /** A map that knows no positions. */
    public static final SourceMap EMPTY = new SourceMap("", Map.of());

    public SourceMap {
        source = source == null ? "" : source;
        locations = Map.copyOf(Objects.requireNonNull(locations, "locations"));
    }

    /** The position of the field, of its nearest recorded ancestor, or an unknown position in this source. */
    public SourceLocation locate(String path) {
        String p = path;
        while (true) {
            SourceLocation location = locations.get(p);
            if (location != null) {
                return location;
            }
            if (p.isEmpty()) {
                return new SourceLocation(source, 0, 0);
            }
            p = parent(p);
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
