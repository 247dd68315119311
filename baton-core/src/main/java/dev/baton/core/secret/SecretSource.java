package dev.baton.core.secret;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the values of {@code {{ secrets.NAME }}} come from: the plug-in the engine asks, on the step's own
 * thread, right before a step attempt that references secrets executes. The value goes to the step handler and
 * nowhere else; the engine never stores it (see {@link Redaction}).
 *
 * <p>Implementations must be thread-safe and should be cheap enough to call once per secret per attempt (reading a
 * small file is fine: it lets a rotated secret take effect without a restart). They must keep tenants apart: a
 * value scoped to one tenant is never returned for another.
 */
@FunctionalInterface
public interface SecretSource {

    /**
     * Secret names: 1..128 letters, digits, {@code _}, {@code .} or {@code -}, starting with a letter, digit or
     * {@code _}. Names that are CEL identifiers are written {@code secrets.NAME}, the others
     * {@code secrets['my-key']}.
     */
    Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    /** A source that knows no secret (the engine's default): every reference fails its step. */
    SecretSource NONE = (tenantId, name) -> Optional.empty();

    /**
     * The value of a secret as the given tenant sees it.
     *
     * @param tenantId the tenant of the run whose step needs the secret
     * @param name     the secret's name, matching {@link #NAME}
     * @return the value, or empty when this tenant has no secret of that name
     * @throws dev.baton.core.error.BatonException when the secret exists but cannot be read (e.g.
     *                                             {@code STORE_UNAVAILABLE} for an I/O error, retriable); the
     *                                             message must name the secret, never hold its value
     */
    Optional<String> lookup(String tenantId, String name);
}
