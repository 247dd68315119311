package dev.baton.core.store;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage of workflow definitions and their versions. Versions are immutable: a run records the exact
 * version it executes, so that version stays readable even after the workflow is deleted.
 *
 * <p>Thread-safe. Failures throw {@link dev.baton.core.error.BatonException} with {@code STORE_UNAVAILABLE}.
 */
public interface WorkflowStore {

    /**
     * Stores a new version of the workflow. If the latest version's source is identical, no new version is
     * created and the latest is returned.
     *
     * @return the stored version (new or identical latest)
     */
    StoredWorkflow save(String tenantId, String workflowId, String source);

    /** The latest non-deleted version. */
    Optional<StoredWorkflow> latest(String tenantId, String workflowId);

    /** A specific version, even of a deleted workflow (runs may refer to it). */
    Optional<StoredWorkflow> version(String tenantId, String workflowId, int version);

    /** The latest version of every non-deleted workflow of the tenant, ordered by id. */
    List<StoredWorkflow> list(String tenantId);

    /**
     * Marks the workflow deleted: it is no longer listed nor startable, but its versions stay readable.
     *
     * @return whether a non-deleted workflow existed
     */
    boolean delete(String tenantId, String workflowId);
}
