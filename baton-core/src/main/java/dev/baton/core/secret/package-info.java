/**
 * Secrets of workflows ({@code {{ secrets.NAME }}}): the {@link dev.baton.core.secret.SecretSource} plug-in the
 * engine asks for a value when a step attempt that needs one executes, and the
 * {@link dev.baton.core.secret.Redaction} that scrubs the resolved values from the attempt's output and error
 * before they are journaled, published as events or returned by the API.
 *
 * <p>Values are resolved per attempt and never stored by the engine: the journaled arguments hold a placeholder
 * ({@code [secret:NAME]}). Depends on the JDK, Jackson and {@code dev.baton.core.error} only; where values come
 * from (files, environment variables) is the server's business. See docs/security.md "Secrets".
 */
package dev.baton.core.secret;
