package dev.baton.core.error;

/**
 * Stable, machine-readable error codes. The {@link #code()} string is part of the public API: it appears in
 * problem+json bodies ({@code code} member), run records and step attempts, and never changes meaning.
 *
 * <p>Each code says whether an error of that kind is worth retrying by default ({@link #retriable()}) and which
 * {@link Kind} of failure it is; the HTTP edge maps the kind to a status code in exactly one place.
 */
public enum ErrorCode {
    /** A workflow definition is malformed or inconsistent (YAML/JSON syntax, unknown fields, cycles...). */
    INVALID_WORKFLOW("invalid-workflow", Kind.INVALID, false),
    /** Run inputs or request parameters do not satisfy their schema. */
    INVALID_INPUT("invalid-input", Kind.INVALID, false),
    /** A step's evaluated arguments are not acceptable to its step type. */
    INVALID_ARGUMENT("invalid-argument", Kind.INVALID, false),
    /** An expression failed at run time (unknown key, wrong type, cost limit exceeded). */
    EXPRESSION_FAILED("expression-failed", Kind.INVALID, false),
    /** The named workflow, run or other object does not exist (for this tenant). */
    NOT_FOUND("not-found", Kind.NOT_FOUND, false),
    /** The request conflicts with the current state (e.g. cancelling a finished run with a different outcome). */
    CONFLICT("conflict", Kind.CONFLICT, false),
    /** A request body is larger than the configured limit. */
    PAYLOAD_TOO_LARGE("payload-too-large", Kind.TOO_LARGE, false),
    /** Admission refused because a queue or rate limit is full; retry after a delay. */
    RATE_LIMITED("rate-limited", Kind.RATE_LIMITED, true),
    /** A token or cost budget (per run or per API key) would be exceeded; raising the budget is the fix. */
    BUDGET_EXCEEDED("budget-exceeded", Kind.RATE_LIMITED, false),
    /** The caller presented no credentials, or credentials Baton does not accept. */
    UNAUTHENTICATED("unauthenticated", Kind.UNAUTHENTICATED, false),
    /**
     * The caller is authenticated but its roles do not grant the operation (HTTP 403). Objects of another tenant
     * are never FORBIDDEN but {@link #NOT_FOUND}, so that their existence is not revealed.
     */
    FORBIDDEN("forbidden", Kind.FORBIDDEN, false),
    /**
     * A tenant's or API key's quota (request or token rate, concurrent runs) is used up; retry after the delay
     * given. The problem's {@code errors[0].field} names the limit (e.g. {@code tenant.requestsPerMinute}).
     */
    QUOTA_EXCEEDED("quota-exceeded", Kind.RATE_LIMITED, true),
    /**
     * An outgoing connection (an {@code http} step, a provider base URL, a redirect) would reach an address the
     * egress policy denies (loopback, private, link-local, cloud metadata... unless allow-listed).
     */
    EGRESS_DENIED("egress-denied", Kind.FORBIDDEN, false),
    /** A step or run did not finish within its timeout. */
    TIMEOUT("timeout", Kind.TIMEOUT, true),
    /** The run or step was cancelled by a user or by its parent. */
    CANCELLED("cancelled", Kind.CONFLICT, false),
    /** A called service could not be reached or answered 5xx/429; worth retrying. */
    UPSTREAM_UNAVAILABLE("upstream-unavailable", Kind.UPSTREAM, true),
    /** A called service rejected the request (4xx other than 408/429); retrying will not help. */
    UPSTREAM_REJECTED("upstream-rejected", Kind.UPSTREAM, false),
    /** A called service answered something Baton cannot use (wrong content type, malformed JSON). */
    UPSTREAM_INVALID_RESPONSE("upstream-invalid-response", Kind.UPSTREAM, false),
    /** A step failed for a reason specific to its type. */
    STEP_FAILED("step-failed", Kind.INTERNAL, false),
    /** The store could not be reached or failed a write; the operation may be retried. */
    STORE_UNAVAILABLE("store-unavailable", Kind.UNAVAILABLE, true),
    /** A component is not ready yet (for example the embedding model is still loading). */
    NOT_READY("not-ready", Kind.UNAVAILABLE, true),
    /** A step attempt was cut short by a restart of the engine (crash or shutdown); it is retried on resume. */
    INTERRUPTED("interrupted", Kind.UNAVAILABLE, true),
    /**
     * This node no longer holds the lease of the run it tried to write (another node took the run over after the
     * lease expired); the node stops working on the run. Seen only between the engine and a shared store.
     */
    LEASE_LOST("lease-lost", Kind.CONFLICT, false),
    /** A defect in Baton itself. */
    INTERNAL("internal", Kind.INTERNAL, false);

    /** The failure category, which the HTTP edge maps to a status code. */
    public enum Kind { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, RATE_LIMITED, TIMEOUT, UPSTREAM, UNAVAILABLE, INTERNAL }

    private final String code;
    private final Kind kind;
    private final boolean retriable;

    ErrorCode(String code, Kind kind, boolean retriable) {
        this.code = code;
        this.kind = kind;
        this.retriable = retriable;
    }

    /** The stable kebab-case code, e.g. {@code "invalid-workflow"}. */
    public String code() {
        return code;
    }

    /** The failure category. */
    public Kind kind() {
        return kind;
    }

    /** Whether errors of this code are retried by default under a step's retry policy. */
    public boolean retriable() {
        return retriable;
    }

    /** Looks a code up by its {@link #code()} string; {@link #INTERNAL} when unknown. */
    public static ErrorCode fromCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
