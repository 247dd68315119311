/**
 * The in-process embedding models inside the AI gateway, and the gateway inside embedding steps:
 * {@link dev.baton.ai.gateway.InProcessEmbeddingProvider} (the gateway's {@code local} provider),
 * {@link dev.baton.ai.gateway.LocalModelAliases} (one embedding alias per in-process model) and
 * {@link dev.baton.ai.gateway.GatewayEmbeddingModel} (a remote gateway alias as an
 * {@link dev.baton.ai.EmbeddingModel}). Depends on {@code dev.baton.ai}, {@code dev.baton.core.error} and the
 * gateway's public API ({@code dev.baton.gateway}, {@code .api}, {@code .config}, {@code .provider}); never on a
 * provider implementation or a vendor SDK.
 */
package dev.baton.ai.gateway;
