package dev.baton.core.error;

/**
 * A position in a source document.
 *
 * @param source a file name or other label of the document, may be empty
 * @param line   1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 */
public record SourceLocation(String source, int line, int column) {
    /** No known position. */
    public static final SourceLocation UNKNOWN = new SourceLocation("", 0, 0);

    public SourceLocation {
        source = source == null ? "" : source;
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0, got " + line + ":" + column);
        }
    }

    public boolean isKnown() {
        return line > 0;
    }

    @Override
    public String toString() {
        if (!isKnown()) {
            return source;
        }
        return (source.isEmpty() ? "" : source + ":") + line + ":" + column;
    }
}
