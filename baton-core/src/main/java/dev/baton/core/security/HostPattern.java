package dev.baton.core.security;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host name in an egress allow or deny list: an exact name ({@code api.example.com}) or a wildcard for every
 * subdomain ({@code *.example.com}: matches {@code a.example.com} and {@code a.b.example.com}, not
 * {@code example.com} itself). Compared case-insensitively, ignoring a trailing dot. Immutable.
 *
 * @param name     the lower-case name, without the {@code *.} of a wildcard
 * @param wildcard whether subdomains of {@code name} match (and {@code name} itself does not)
 */
public record HostPattern(String name, boolean wildcard) {
    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    public HostPattern {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.substring(name.lastIndexOf('.') + 1).chars()
                .allMatch(Character::isDigit)) {
            // an all-numeric last label is no name (RFC 3696 §2): a mistyped address such as 300.1.1.1
            throw new IllegalArgumentException("'" + name + "' is not a host name");
        }
    }

    /**
     * Parses {@code name} or {@code *.name}.
     *
     * @throws IllegalArgumentException when it is not a host name (naming it)
     */
    public static HostPattern parse(String text) {
        String s = canonical(text);
        boolean wildcard = s.startsWith("*.");
        try {
            return new HostPattern(wildcard ? s.substring(2) : s, wildcard);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a host name, a *.domain wildcard, an IP "
                    + "address nor a CIDR block");
        }
    }

    /** Whether {@code host} (any case, trailing dot or not) matches. */
    public boolean matches(String host) {
        String h = canonical(host);
        return wildcard ? h.endsWith("." + name) : h.equals(name);
    }

    static String canonical(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    @Override
    public String toString() {
        return wildcard ? "*." + name : name;
    }
}
