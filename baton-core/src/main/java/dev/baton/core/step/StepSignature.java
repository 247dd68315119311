package dev.baton.core.step;

import java.util.Set;

/**
 * The argument names a step type accepts in {@code with}.
 *
 * @param required names that must be present
 * @param optional names that may be present
 */
public record StepSignature(Set<String> required, Set<String> optional) {
    public StepSignature {
        required = Set.copyOf(required);
        optional = Set.copyOf(optional);
        for (String name : required) {
            if (optional.contains(name)) {
                throw new IllegalArgumentException("argument '" + name + "' is both required and optional");
            }
        }
    }

    public boolean accepts(String name) {
        return required.contains(name) || optional.contains(name);
    }
}
