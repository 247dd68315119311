/**
 * Embedding models as a plug-in: the provider-neutral {@link dev.baton.ai.EmbeddingModel} interface, its
 * loading {@link dev.baton.ai.ModelState}, the {@link dev.baton.ai.EmbeddingModelRegistry} of models by name, and
 * vector arithmetic ({@link dev.baton.ai.Vectors}). Depends on the JDK and {@code dev.baton.core.error} only; no
 * vendor type appears here (the in-process ONNX model lives in {@code dev.baton.ai.onnx}).
 */
package dev.baton.ai;
