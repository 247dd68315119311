/**
 * The engine: admission by priority, the per-run scheduler that dispatches ready steps on virtual threads,
 * retries with backoff, timeouts, cancellation, the group-committed journal and resume after a crash.
 * Depends on the other core packages and the JDK only.
 */
package dev.baton.core.engine;
