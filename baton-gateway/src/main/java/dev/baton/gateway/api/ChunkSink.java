package dev.baton.gateway.api;

/**
 * Receives the chunks of a streamed completion, in order, on the thread that called
 * {@link dev.baton.gateway.Gateway#stream}. Not called concurrently.
 */
@FunctionalInterface
public interface ChunkSink {
    /**
     * Takes the next chunk. Throwing (e.g. because the client went away) aborts the stream: the upstream request
     * is cancelled and the exception propagates to the caller of {@code stream}.
     */
    void accept(ChatChunk chunk);
}
