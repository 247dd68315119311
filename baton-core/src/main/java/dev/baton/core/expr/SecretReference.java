package dev.baton.core.expr;

import dev.baton.core.secret.SecretSource;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code {{ secrets.NAME }}} placeholder of a template: the whole placeholder, never part of a larger
 * expression, so that a secret's value never enters CEL (no expression can read, transform or copy it). It
 * renders as text: alone it is the value, between text it is interpolated (e.g. {@code "Bearer {{
 * secrets.API_TOKEN }}"}).
 *
 * @param name     the secret's name ({@code API_TOKEN}); matches
 *                 {@link dev.baton.core.secret.SecretSource#NAME}
 * @param field    the full path of the field holding it, for error messages, e.g.
 *                 {@code steps.fetch.with.headers.Authorization}
 * @param argument the path relative to the compiled template's root (e.g. {@code headers.Authorization} for a
 *                 step's {@code with}); empty when the root itself holds it
 */
public record SecretReference(String name, String field, String argument) {
    /** {@code secrets.NAME}, {@code secrets['NAME']} or {@code secrets["NAME"]}, with optional blanks. */
    private static final Pattern SYNTAX = Pattern.compile(
            "secrets\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*(['\"])([^'\"]*)\\2\\s*])");

    public SecretReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(argument, "argument");
    }

    /**
     * The secret name when {@code source} (a placeholder's expression, trimmed) is exactly a secret reference.
     *
     * @return the name; empty when the expression is something else
     * @throws IllegalArgumentException when it is a secret reference whose name is not a valid secret name
     */
    static Optional<String> nameOf(String source) {
        Matcher m = SYNTAX.matcher(source);
        if (!m.matches()) {
            return Optional.empty();
        }
        String name = m.group(1) != null ? m.group(1) : m.group(3);
        if (!SecretSource.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a secret name: use 1..128 letters, digits, '_',"
                    + " '.' or '-', starting with a letter, digit or '_'");
        }
        return Optional.of(name);
    }

    /** What the journaled arguments hold instead of the value: {@code [secret:NAME]}. */
    public String placeholder() {
        return "[secret:" + name + "]";
    }
}
