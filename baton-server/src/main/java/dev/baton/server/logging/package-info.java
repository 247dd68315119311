/**
 * The node's log output: the console appender in JSON (logstash-logback-encoder) or text, chosen at start from
 * {@link dev.baton.observability.LogSettings} ({@link dev.baton.server.logging.LogOutput}), and the masking of
 * secrets (bearer tokens, API keys, passwords, and every secret value the configuration resolved) in every line
 * ({@link dev.baton.server.logging.SecretMask}).
 *
 * <p>May depend on Logback, logstash-logback-encoder, SLF4J and baton-observability's settings; nothing else of
 * the server depends on Logback directly.
 */
package dev.baton.server.logging;
