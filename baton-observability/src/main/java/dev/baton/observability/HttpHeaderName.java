package dev.baton.observability;

/**
 * What an HTTP header name may be: an RFC 9110 token (<a href="https://www.rfc-editor.org/rfc/rfc9110#section-5.1">
 * section 5.1</a>): one or more of {@code A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~}. The one check of the header
 * names in Baton's configuration (export headers of tracing, alert webhook headers). Stateless.
 */
public final class HttpHeaderName {
    private static final String SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpHeaderName() {
    }

    /** Whether {@code name} is a valid header name; {@code false} for {@code null} and the empty string. */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SYMBOLS.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }
}
