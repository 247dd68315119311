/**
 * Baton's AI gateway: one {@link dev.baton.gateway.Gateway} in front of many model providers and deployments.
 *
 * <p>Packages: {@code api} holds the provider-neutral request and response types; {@code provider} the provider
 * SPI and its implementations (OpenAI-compatible HTTP, Anthropic Messages); {@code config} the model aliases and
 * deployments; {@code routing} load balancing, circuit breakers, retries, failover and rate limits;
 * {@code cache} the exact-match response cache; {@code usage} token/cost accounting and budgets; {@code admin}
 * the operator's view of deployments.
 *
 * <p>Depends on baton-core (error model), Jackson, Resilience4j, Bucket4j and Caffeine; never on a web
 * framework, a database driver or a vendor SDK.
 */
package dev.baton.gateway;
