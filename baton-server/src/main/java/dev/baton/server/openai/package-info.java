/**
 * The OpenAI-compatible HTTP API ({@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}):
 * OpenAI's wire format mapped to and from the gateway's provider-neutral types, Server-Sent Events for streamed
 * completions, OpenAI's error shape and API-key authentication.
 *
 * <p>Depends on baton-gateway (the {@link dev.baton.gateway.Gateway} interface and its types), Jackson, Javalin
 * and the API package's status mapper ({@link dev.baton.server.api.Problems}); never on a provider or on the
 * gateway's routing, cache or accounting internals.
 */
package dev.baton.server.openai;
