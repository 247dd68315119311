package dev.baton.gateway.api;

/** What a model alias does. */
public enum ModelKind {
    /** Chat completions. */
    CHAT,
    /** Embeddings. */
    EMBEDDING
}
