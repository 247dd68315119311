package dev.baton.server.cli;

import dev.baton.core.workflow.Workflow;

import java.nio.file.Path;

/**
 * What the CLI needs from Baton's composition root. The production backend ({@link NodeBackend}) builds a real
 * node (H2 file store, in-process embedding model, every step type); tests may pass another.
 *
 * <p>Implementations are thread-safe.
 */
public interface CliBackend {

    /**
     * Parses and validates a workflow definition without storing or running anything.
     *
     * @param source     the YAML or JSON text
     * @param sourceName the file name, used in error locations
     * @return the validated workflow (version 0)
     * @throws dev.baton.core.error.BatonException INVALID_WORKFLOW carrying every complaint as a field error
     *                                             with its line and column where known
     */
    Workflow validate(String source, String sourceName);

    /**
     * Opens an embedded node whose durable state lives under {@code dataDir} (created if missing). Unfinished
     * runs found there are resumed.
     *
     * @throws dev.baton.core.error.BatonException STORE_UNAVAILABLE when the store cannot be opened (for
     *                                             example another process holds it)
     */
    LocalNode openLocal(Path dataDir);

    /**
     * Starts Baton's HTTP server (REST API) and returns once it accepts connections.
     *
     * @param host       interface to bind, e.g. {@code 127.0.0.1}; {@code null} for the configured one
     * @param port       TCP port, 0 for any free port; {@code null} for the configured one
     * @param configFile a configuration file, or {@code null} for {@code ./baton.yaml} when present, else the
     *                   defaults (environment variables apply on top)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT for a bad configuration, STORE_UNAVAILABLE when
     *                                             the store cannot be opened
     */
    RunningServer startServer(String host, Integer port, Path configFile);

    /**
     * Opens the API keys of the configured store (H2 or PostgreSQL) directly, without a node or a server: for
     * {@code baton keys ... --local}, which creates the first admin key before anyone can authenticate. The
     * default refuses (a backend without a store of its own).
     *
     * @param configFile a configuration file, or {@code null} for {@code ./baton.yaml} when present, else the
     *                   defaults (environment variables apply on top)
     * @throws dev.baton.core.error.BatonException INVALID_ARGUMENT for a memory store (keys would be lost) or a
     *                                             backend without a store; STORE_UNAVAILABLE when the store cannot
     *                                             be opened (an embedded H2 file held by a running server)
     */
    default LocalKeys openKeys(Path configFile) {
        throw new dev.baton.core.error.BatonException(dev.baton.core.error.ErrorCode.INVALID_ARGUMENT,
                "--local is not available here; manage keys through a server (--server, --api-key)");
    }

    /** The API keys of a store opened by {@link #openKeys}; closing it releases the store. */
    interface LocalKeys extends AutoCloseable {
        /** The keys. */
        dev.baton.core.security.ApiKeyStore keys();

        /** The configured system tenant (the default tenant of new keys). */
        String systemTenant();

        @Override
        void close();
    }

    /** A started server. */
    interface RunningServer extends AutoCloseable {
        /** Where it listens, e.g. {@code http://127.0.0.1:8080}. */
        java.net.URI url();

        /**
         * Blocks until the server can serve every route (its node is open). The listener answers liveness (and
         * 503 not-ready elsewhere) before that. The default returns at once: the server is ready when started.
         *
         * @throws dev.baton.core.error.BatonException when the node failed to open (the server has stopped)
         */
        default void awaitReady() throws InterruptedException {
        }

        /** Blocks until the server stops (on close or at JVM shutdown). */
        void awaitTermination() throws InterruptedException;

        /** Stops the server and the node behind it. */
        @Override
        void close();
    }
}
