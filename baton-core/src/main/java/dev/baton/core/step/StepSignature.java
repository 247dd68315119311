package dev.baton.core.step;

import java.util.Set;

/**
 * The argument names a step type accepts in {@code with}, and where in them {@code {{ secrets.NAME }}} may be
 * written.
 *
 * @param required     names that must be present
 * @param optional     names that may be present
 * @param secretFields where secret references are accepted, as paths relative to {@code with}: {@code body}
 *                     accepts them at {@code body} and anywhere under it; {@code headers.*} anywhere under a member
 *                     of {@code headers} (not in {@code headers} itself). Each path starts with an accepted
 *                     argument name; {@code *} may only end a path. Empty (the default) for types that need no
 *                     secrets: the validator then rejects every secret reference in their arguments.
 */
public record StepSignature(Set<String> required, Set<String> optional, Set<String> secretFields) {
    public StepSignature {
        required = Set.copyOf(required);
        optional = Set.copyOf(optional);
        secretFields = Set.copyOf(secretFields);
        for (String name : required) {
            if (optional.contains(name)) {
                throw new IllegalArgumentException("argument '" + name + "' is both required and optional");
            }
        }
        for (String field : secretFields) {
            String first = field.split("[.\\[]", 2)[0];
            if (!required.contains(first) && !optional.contains(first)) {
                throw new IllegalArgumentException("secret field '" + field + "' is not under an argument of this type");
            }
            if (field.indexOf('*') >= 0 && (!field.endsWith(".*") || field.indexOf('*') != field.length() - 1)) {
                throw new IllegalArgumentException("secret field '" + field + "': '*' may only end the path, as '.*'");
            }
        }
    }

    /** A signature whose arguments accept no secrets. */
    public StepSignature(Set<String> required, Set<String> optional) {
        this(required, optional, Set.of());
    }

    public boolean accepts(String name) {
        return required.contains(name) || optional.contains(name);
    }

    /**
     * Whether a secret reference may sit at {@code argument} (a path relative to {@code with}, e.g.
     * {@code headers.Authorization}) per {@link #secretFields()}.
     */
    public boolean acceptsSecretAt(String argument) {
        for (String field : secretFields) {
            if (field.endsWith(".*")) {
                String parent = field.substring(0, field.length() - 1); // keeps the '.'
                if (argument.startsWith(parent) && argument.length() > parent.length()) {
                    return true;
                }
            } else if (argument.equals(field) || argument.startsWith(field + ".") || argument.startsWith(field + "[")) {
                return true;
            }
        }
        return false;
    }
}
