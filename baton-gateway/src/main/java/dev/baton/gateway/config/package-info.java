/**
 * The gateway's configuration as immutable, validated records: model aliases, their deployments, timeouts,
 * prices, limits, breaker/retry/cache/health settings and client keys. Secrets appear only as
 * {@link dev.baton.gateway.config.SecretRef}s (an environment variable or a file), never as values. Parsed from
 * the {@code gateway:} section of {@code baton.yaml} by {@link dev.baton.gateway.config.GatewayConfigReader}.
 */
package dev.baton.gateway.config;
