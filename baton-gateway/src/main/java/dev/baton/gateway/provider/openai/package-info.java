/**
 * The OpenAI-compatible provider ({@code provider: openai}): Chat Completions and Embeddings over HTTP, as spoken
 * by OpenAI and by vLLM, Ollama, LM Studio, llama.cpp server, Groq, Together, Mistral and DeepSeek. The wire
 * mapping ({@code OpenAiWire}, {@code OpenAiStreamReader}) is package-private; only
 * {@link dev.baton.gateway.provider.openai.OpenAiProvider} is public.
 *
 * <p>Depends on the gateway's {@code api}, {@code config}, {@code provider} and {@code provider.http} packages
 * and Jackson; no vendor SDK.
 */
package dev.baton.gateway.provider.openai;
