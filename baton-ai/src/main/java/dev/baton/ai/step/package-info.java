/**
 * The {@code embed}, {@code similarity} and {@code classify} step types (see docs and STEP-TYPES): step handlers
 * over an {@link dev.baton.ai.EmbeddingModelRegistry}. Depends on {@code dev.baton.ai}, {@code dev.baton.core}
 * (step and error packages) and Jackson; never on a model vendor. Build them with
 * {@link dev.baton.ai.step.AiSteps#handlers(dev.baton.ai.EmbeddingModelRegistry)}.
 */
package dev.baton.ai.step;
