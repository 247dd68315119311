/**
 * The Anthropic provider ({@code provider: anthropic}): the Messages API ({@code POST /v1/messages}, whole and
 * streamed) mapped to and from the gateway's neutral chat types. The wire mapping ({@code AnthropicWire},
 * {@code AnthropicStreamReader}) is package-private; only
 * {@link dev.baton.gateway.provider.anthropic.AnthropicProvider} is public.
 *
 * <p>Depends on the gateway's {@code api}, {@code config}, {@code provider} and {@code provider.http} packages
 * and Jackson; no vendor SDK.
 */
package dev.baton.gateway.provider.anthropic;
