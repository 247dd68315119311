/**
 * The {@code http} step type: calls any HTTP service with the JDK's {@link java.net.http.HttpClient} (HTTP/1.1 and
 * HTTP/2), mapping statuses and transport failures to Baton's error model in one place
 * ({@link dev.baton.steps.http.HttpStatusMapping}). Depends on the JDK, Jackson and {@code dev.baton.core}
 * (step and error packages, and the language's {@link dev.baton.core.workflow.DurationFormat}) only.
 */
package dev.baton.steps.http;
