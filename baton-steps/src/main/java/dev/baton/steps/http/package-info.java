/**
 * The {@code http} step type: calls any HTTP service over Jetty's HTTP/1.1 client, connecting only to addresses
 * the node's egress policy allows ({@link dev.baton.steps.http.EgressResolver}; redirects followed hop by hop by
 * {@link dev.baton.steps.http.Redirect}), and mapping statuses and transport failures to Baton's error model in
 * one place ({@link dev.baton.steps.http.HttpStatusMapping}). Depends on the JDK, Jackson, jetty-client,
 * the OpenTelemetry API and {@code dev.baton.core} (step, error and security packages, and the language's
 * {@link dev.baton.core.workflow.DurationFormat}) only.
 */
package dev.baton.steps.http;
