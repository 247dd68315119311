package dev.baton.core.security;

/**
 * Text a client controls (a token's unverified {@code sub}, a {@code User-Agent}, a path parameter...) made fit to
 * store and to log: control characters become U+FFFD and the length is capped.
 *
 * <p>Control characters are the C0 range (U+0000..U+001F, NUL, CR and LF included), DEL and the C1 range
 * ({@link Character#isISOControl}), and the Unicode line and paragraph separators U+2028/U+2029. They are
 * replaced rather than dropped so that a reader sees that something was there. Why: PostgreSQL refuses NUL in
 * {@code text} and {@code jsonb} (the whole insert fails, so a client could keep its own failed login out of the
 * audit log), and CR/LF would let a client forge lines in a log or a terminal showing the value.
 *
 * <p>The cap counts UTF-16 characters and never cuts a surrogate pair in half. Stateless; thread-safe.
 */
public final class ClientText {
    /** What a control character becomes. */
    public static final char REPLACEMENT = '\uFFFD';

    private ClientText() {
    }

    /**
     * {@code value} with every control character replaced by {@link #REPLACEMENT}, cut to at most {@code max}
     * characters; {@code null} stays {@code null}.
     *
     * @param max the longest result, ≥ 1
     */
    public static String clean(String value, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be ≥ 1, got " + max);
        }
        if (value == null) {
            return null;
        }
        int length = value.length();
        if (length > max) {
            length = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        }
        StringBuilder cleaned = null;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                if (cleaned == null) {
                    cleaned = new StringBuilder(length).append(value, 0, i);
                }
                cleaned.append(REPLACEMENT);
            } else if (cleaned != null) {
                cleaned.append(c);
            }
        }
        if (cleaned != null) {
            return cleaned.toString();
        }
        return length == value.length() ? value : value.substring(0, length);
    }

    private static boolean isControl(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
