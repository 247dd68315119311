package dev.baton.core.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a string into literal text and {@code {{ expression }}} placeholders.
 *
 * <p>The closing {@code }}} of a placeholder is the first one outside CEL string literals and outside braces
 * opened inside the expression, so map literals ({@code {{ {'a': {'b': 1}} }}}) and strings containing
 * {@code }}} work. There is no escape for a literal {@code {{}: write {@code {{ '{{' }}}.
 */
final class Placeholders {

    /** A piece of a string: literal text, or the source of an expression (trimmed). */
    sealed interface Part {
    }

    record Text(String text) implements Part {
    }

    record Placeholder(String source) implements Part {
    }

    /** A placeholder that is not closed or is empty. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private Placeholders() {
    }

    /** Whether the string contains a placeholder opening at all (fast path for constant strings). */
    static boolean mayContain(String text) {
        return text.contains("{{");
    }

    static List<Part> split(String text) throws SyntaxError {
        List<Part> parts = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int open = text.indexOf("{{", pos);
            if (open < 0) {
                parts.add(new Text(text.substring(pos)));
                break;
            }
            if (open > pos) {
                parts.add(new Text(text.substring(pos, open)));
            }
            int close = findClose(text, open + 2);
            if (close < 0) {
                throw new SyntaxError("'{{' at offset " + open + " is not closed by '}}'");
            }
            String source = text.substring(open + 2, close).trim();
            if (source.isEmpty()) {
                throw new SyntaxError("empty expression '{{}}' at offset " + open);
            }
            parts.add(new Placeholder(source));
            pos = close + 2;
        }
        return parts;
    }

    /** Index of the closing {@code }}}, or -1. */
    private static int findClose(String text, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '{' -> depth++;
                case '}' -> {
                    if (depth > 0) {
                        depth--;
                    } else if (i + 1 < text.length() && text.charAt(i + 1) == '}') {
                        return i;
                    }
                }
                default -> {
                }
            }
        }
        return -1;
    }
}
