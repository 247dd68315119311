/**
 * Routing and admission control: the {@link dev.baton.gateway.routing.Router} turns a model alias into one
 * upstream attempt after another until one succeeds.
 *
 * <p>Per call: the caller's token buckets (per API key, or the shared anonymous one) admit it; the alias's
 * {@link dev.baton.gateway.routing.Balancer} ranks its enabled deployments; the first deployment whose circuit
 * breaker permits a call and whose own token buckets have room gets the attempt; a retriable failure is
 * followed by an exponential backoff with full jitter and an attempt on the next deployment; an alias whose
 * attempts are spent hands over to its fallback aliases. Every attempt feeds the deployment's breaker,
 * passive health (the last 100 checks, uptime, latency EWMA) and counters; optional active probes add checks
 * that cost no tokens.
 *
 * <p>State is lock-free (atomics, Resilience4j's and Bucket4j's lock-free state machines; only random draws take a
 * short lock); time comes from an injected {@link java.time.InstantSource}, randomness from an injected seeded
 * {@link java.util.random.RandomGenerator}, and backoff waits go through an injected
 * {@link dev.baton.gateway.routing.Sleeper}, so tests advance time instead of sleeping.
 *
 * <p>Depends on the gateway's {@code api}, {@code config}, {@code provider} and {@code admin} packages, baton-core's
 * error model, the {@code limits} package (where token buckets live: per node or shared), Resilience4j (circuit
 * breaker), Bucket4j (token buckets) and slf4j (breaker state changes are
 * logged); never on a provider
 * implementation, the cache or the usage package.
 */
package dev.baton.gateway.routing;
