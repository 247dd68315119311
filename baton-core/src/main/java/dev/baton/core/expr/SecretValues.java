package dev.baton.core.expr;

/**
 * What a {@link SecretReference} renders as. {@link #PLACEHOLDERS} (what {@link ValueTemplate#render(Bindings)}
 * uses) renders {@code [secret:NAME]}, so that arguments rendered for the journal, for conditions and for
 * built-in steps never hold a value; only the engine, right before a step handler executes, renders the real
 * values (see {@link dev.baton.core.secret.SecretSource}).
 */
@FunctionalInterface
public interface SecretValues {
    /** Renders every reference as its {@link SecretReference#placeholder()}. */
    SecretValues PLACEHOLDERS = SecretReference::placeholder;

    /**
     * The text a reference renders as.
     *
     * @throws dev.baton.core.error.BatonException when the value cannot be had (e.g. an unknown secret); the
     *                                             message names the secret, never a value
     */
    String value(SecretReference reference);
}
