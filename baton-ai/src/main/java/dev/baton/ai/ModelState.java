package dev.baton.ai;

/** Where an {@link EmbeddingModel} is in its life: loading, ready to embed, or failed to load. */
public enum ModelState {
    /** Weights are being loaded; {@link EmbeddingModel#embed} refuses with {@code NOT_READY}. */
    LOADING,
    /** The model embeds. */
    READY,
    /** Loading failed; the model will never become ready. */
    FAILED;

    /** Whether the state can no longer change. */
    public boolean isTerminal() {
        return this != LOADING;
    }
}
