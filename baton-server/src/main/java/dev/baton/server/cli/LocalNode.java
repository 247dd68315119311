package dev.baton.server.cli;

import dev.baton.core.engine.Engine;
import dev.baton.core.workflow.Workflow;

/**
 * An embedded Baton node as the CLI drives it: a workflow store to register the file being run, and the engine
 * that runs it. Opened by {@link CliBackend#openLocal}; closing it stops the engine and releases the store.
 *
 * <p>Thread-safe: many runs are started and awaited concurrently.
 */
public interface LocalNode extends AutoCloseable {

    /** The tenant the CLI's runs belong to ({@code default}). */
    String tenantId();

    /**
     * Validates a workflow definition and stores it as a new version (or returns the latest version when its
     * source is identical).
     *
     * @param source     the YAML or JSON text
     * @param sourceName the file name, used in error locations
     * @return the validated workflow with the version the store assigned, which the runs use
     * @throws dev.baton.core.error.BatonException INVALID_WORKFLOW with field errors when the definition is invalid
     */
    Workflow register(String source, String sourceName);

    /** The node's engine. */
    Engine engine();

    /** Stops the engine (running attempts are interrupted and resume on the next start) and closes the store. */
    @Override
    void close();
}
