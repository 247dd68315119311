package dev.baton.core.expr;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * A JSON value whose strings may contain {@code {{ expression }}} placeholders, compiled once when the workflow
 * is parsed and rendered before every step attempt.
 *
 * <p>Rendering rules: a string that is exactly one expression yields the expression's typed value (number,
 * list, object, boolean, null); a string with text around or between expressions yields a string with each
 * result interpolated; objects and arrays are rendered member by member; other values are returned as they are.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface ValueTemplate {

    /**
     * Renders the template.
     *
     * @param bindings the variables visible to expressions
     * @return the rendered value, never Java {@code null} (JSON null is {@code NullNode})
     * @throws dev.baton.core.error.BatonException with {@code EXPRESSION_FAILED} when an expression fails or
     *                                             exceeds its time or size bound
     */
    JsonNode render(Bindings bindings);

    /**
     * Renders the template with {@code {{ secrets.NAME }}} placeholders rendered by {@code secrets};
     * {@link #render(Bindings)} is this with {@link SecretValues#PLACEHOLDERS}. Only the engine calls it with real
     * values, for the arguments it hands to a step handler and never stores. The default (templates without
     * secret references) ignores {@code secrets}.
     *
     * @throws dev.baton.core.error.BatonException EXPRESSION_FAILED as {@link #render(Bindings)}, or what
     *                                             {@code secrets} throws
     */
    default JsonNode render(Bindings bindings, SecretValues secrets) {
        return render(bindings);
    }

    /**
     * The {@code {{ secrets.NAME }}} placeholders of the template, in document order (a name used twice appears
     * twice, with its two fields); empty when there is none.
     */
    default java.util.List<SecretReference> secretReferences() {
        return java.util.List.of();
    }

    /** Ids of the steps whose output the template reads ({@code steps.<id>...}); used to infer dependencies. */
    Set<String> referencedSteps();

    /** Whether the template contains no expression at all (rendering returns a constant). */
    boolean isConstant();
}
