package dev.baton.server.security;

import io.javalin.http.Context;

import java.util.Objects;

/**
 * Why a request failed authentication, kept as a request attribute for the audit trail ({@code auth.failed}).
 * Never holds a secret.
 *
 * @param actor    what was presented: {@code key:<prefix>} for an API key (the public prefix only),
 *                 {@code jwt:<sub>} or {@code jwt} for a token, {@code gateway-key} for another bearer value,
 *                 {@code anonymous} when nothing was presented
 * @param tenantId the tenant of the stored key whose prefix was presented, or {@code null} when unknown (the audit
 *                 entry then goes to the system tenant)
 * @param reason   the reason, as told to the client
 */
public record FailedLogin(String actor, String tenantId, String reason) {
    private static final String ATTRIBUTE = "baton.auth.failed";

    public FailedLogin {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
    }

    /** The failed login of {@code ctx}, or {@code null} when authentication did not fail (or did not run). */
    public static FailedLogin of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    void attachTo(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }
}
