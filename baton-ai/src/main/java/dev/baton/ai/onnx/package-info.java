/**
 * The in-process embedding model: bge-small-en-v1.5 (quantized ONNX, from LangChain4j's Maven packaging) run by
 * ONNX Runtime, loaded in the background. The only package of baton-ai that touches LangChain4j or ONNX Runtime
 * types; nothing vendor-specific leaves it.
 */
package dev.baton.ai.onnx;
