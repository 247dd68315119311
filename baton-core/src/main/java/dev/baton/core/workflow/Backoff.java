package dev.baton.core.workflow;

/** How the delay between retry attempts grows. */
public enum Backoff {
    /** The same delay ({@code initialDelay}) before every retry. */
    FIXED,
    /** {@code initialDelay * multiplier^(retry-1)}, capped at {@code maxDelay}. */
    EXPONENTIAL
}
