/**
 * The provider SPI: one {@link dev.baton.gateway.provider.Provider} per upstream API (OpenAI-compatible HTTP,
 * Anthropic Messages, in-process models). A provider makes exactly one attempt against one deployment and maps
 * the upstream's answer and errors to the neutral types and to {@link dev.baton.core.error.BatonException};
 * retries, failover and breakers are the router's job. Wire DTOs stay in each provider's own package.
 */
package dev.baton.gateway.provider;
