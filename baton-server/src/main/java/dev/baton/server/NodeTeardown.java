package dev.baton.server;

import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.core.engine.LocalEngine;
import dev.baton.steps.http.HttpStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Closes the parts of a node in order, for {@link BatonNode#close()} and for an {@link BatonNode#open} that fails
 * half-way. The engine goes first (running attempts stop and resume on the next open), then the gateway, the
 * embedding model (waiting for a load still running in the background) and the HTTP step's clients, then the
 * store, and the observability last so that the spans of the runs stopped before it are flushed. A part that
 * fails to close is logged at WARN and the others are still closed. Stateless.
 */
final class NodeTeardown {
    private static final Logger LOG = LoggerFactory.getLogger(NodeTeardown.class);

    private NodeTeardown() {
    }

    /** Closes an open node's parts: engine, gateway, model, http; then the store and the observability. */
    static void close(LocalEngine engine, NodeGateway gateway, BgeSmallEnV15Model model, HttpStep http,
                      NodeStores stores, NodeObservability observability) {
        try {
            engine.close();
        } finally {
            try {
                closeQuietly(gateway.closer());
                if (model != null) {
                    model.close(); // waits for a load still running in the background
                }
                http.close();
            } finally {
                closeQuietly(stores.closer());
                closeQuietly(observability); // last: spans of the runs stopped above are flushed
            }
        }
    }

    /**
     * Closes what a failed open had opened so far; every argument but {@code opening} may be {@code null} (not
     * opened yet). When {@code stores} is {@code null} the store still opening is awaited and closed if it opens.
     *
     * @param assembled the gateway the open assembled itself, or {@code null} (none yet, or given by the caller,
     *                  who closes it)
     */
    static void abandon(LocalEngine engine, BgeSmallEnV15Model model, HttpStep http, NodeGateway assembled,
                        CompletableFuture<NodeStores> opening, NodeStores stores, NodeObservability observability) {
        if (engine != null) {
            engine.close();
        }
        if (model != null) {
            model.close();
        }
        if (http != null) {
            http.close();
        }
        if (assembled != null) {
            closeQuietly(assembled.closer());
        }
        if (stores == null) {
            try {
                stores = opening.join();
            } catch (RuntimeException ignored) {
                // the store did not open: nothing to close
            }
        }
        if (stores != null) {
            closeQuietly(stores.closer());
        }
        if (observability != null) {
            observability.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
