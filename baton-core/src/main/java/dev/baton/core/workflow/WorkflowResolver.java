package dev.baton.core.workflow;

/**
 * Finds a validated workflow definition by id and version. The engine resolves the workflow of every run (and
 * of child runs started by {@code workflow} and {@code map} steps) through this interface.
 *
 * <p>Implementations are thread-safe and may cache: stored versions are immutable.
 */
@FunctionalInterface
public interface WorkflowResolver {

    /**
     * @param tenantId   the tenant
     * @param workflowId the workflow id
     * @param version    a specific version, or 0 for the latest
     * @return the parsed and validated workflow, carrying its version number
     * @throws dev.baton.core.error.BatonException NOT_FOUND when no such workflow or version exists
     */
    Workflow resolve(String tenantId, String workflowId, int version);
}
