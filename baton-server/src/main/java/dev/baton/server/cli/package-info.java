/**
 * The {@code baton} command line: {@code run} (local runs on the embedded default, one or many inputs, with
 * progress, a results file and a summary), {@code validate}, {@code server}, and {@code runs}/{@code workflows}/
 * {@code analytics} as HTTP clients of a running server's REST API.
 *
 * <p>May depend on baton-core, picocli, Jackson, the JDK (java.net.http for the client commands) and, for the
 * composition root, the {@code dev.baton.server} package. Nothing here is used by the server itself.
 */
package dev.baton.server.cli;
