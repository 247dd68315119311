/**
 * The AI step types (see docs/language.md and docs/gateway.md): {@code embed}, {@code similarity} and
 * {@code classify} over embedding models (in process, or a gateway embedding alias), and {@code llm.chat} and
 * {@code llm.classify} over the AI gateway's chat models. Depends on {@code dev.baton.ai},
 * {@code dev.baton.ai.gateway}, {@code dev.baton.core} (step and error packages), the gateway's public API
 * ({@code dev.baton.gateway}, {@code .api}), Jackson and networknt json-schema-validator; never on a model vendor
 * or a provider implementation. Build them with {@link dev.baton.ai.step.AiSteps}.
 */
package dev.baton.ai.step;
