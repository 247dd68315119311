/**
 * The gateway's exact-match response cache: {@link dev.baton.gateway.cache.CachingGateway} decorates the next
 * {@link dev.baton.gateway.Gateway} and answers a non-streamed chat completion, or an embedding of one text, from
 * memory when the very same request was answered within the configured time to live.
 *
 * <p>Keys are SHA-256 digests of a canonical serialisation of the request ({@link
 * dev.baton.gateway.cache.RequestKeys}). Entries live in a Caffeine cache (W-TinyLFU size bound, expiry after
 * write). Streams, failures and requests sent with {@code Cache-Control: no-cache} are never stored.
 *
 * <p>May depend on the gateway's {@code api} and {@code config} packages, baton-core's error model, Jackson (for
 * the canonical form) and Caffeine; nothing else.
 */
package dev.baton.gateway.cache;
