package dev.baton.steps.http;

/** The request methods the {@code http} step sends. */
public enum HttpMethod {
    GET, POST, PUT, PATCH, DELETE, HEAD;

    /** Whether the request gets an {@code Idempotency-Key} header (every method but GET, per the step contract). */
    boolean sendsIdempotencyKey() {
        return this != GET;
    }
}
