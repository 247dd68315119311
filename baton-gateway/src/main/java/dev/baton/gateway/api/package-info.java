/**
 * Provider-neutral chat and embedding types: what callers send to the {@link dev.baton.gateway.Gateway} and what
 * every {@link dev.baton.gateway.provider.Provider} accepts and returns. No vendor wire type appears here; the
 * OpenAI and Anthropic wire formats are mapped at the provider and at the HTTP edge.
 *
 * <p>Depends only on the JDK and Jackson's {@code JsonNode} (for JSON Schemas and tool parameters).
 */
package dev.baton.gateway.api;
