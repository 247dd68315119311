package dev.baton.core.security;

/**
 * One kind of operation the API guards. Each route requires exactly one permission (or none, when public:
 * health, OpenAPI document, metrics); {@link Role} says which roles grant it. The matrix is documented in
 * docs/security.md and checked route by route, role by role, by a test over real HTTP.
 *
 * <p>Two permissions guard installation-wide things rather than a tenant's objects ({@link #isInstallationWide()}):
 * only principals of the system tenant use them; any other tenant is answered as if the route had nothing of
 * theirs (404).
 */
public enum Permission {
    /** List and read workflows, their versions and templates. */
    WORKFLOW_READ,
    /** Register, update, delete and validate workflows; instantiate templates. */
    WORKFLOW_WRITE,
    /** List and read runs and follow their events. */
    RUN_READ,
    /** Start runs, singly or in batches. */
    RUN_START,
    /** Cancel and retry runs. */
    RUN_OPERATE,
    /** Read gateway deployments, cache statistics, usage and analytics. */
    GATEWAY_READ,
    /** Enable and disable deployments, clear the response cache. */
    GATEWAY_OPERATE,
    /** Call models through the OpenAI-compatible API ({@code /v1/chat/completions}, {@code /v1/embeddings}). */
    MODEL_CALL,
    /** List models ({@code /v1/models}). */
    MODEL_READ,
    /** Read host metrics, alerts and alert rules. */
    SYSTEM_READ,
    /** Create, list and revoke API keys. */
    KEY_MANAGE,
    /** Query the audit log. */
    AUDIT_READ;

    /**
     * Whether this permission guards installation-wide operations (gateway deployments' enable/disable, the
     * response cache, host metrics and alerts) that belong to the system tenant alone: {@link #GATEWAY_OPERATE}
     * and {@link #SYSTEM_READ}.
     */
    public boolean isInstallationWide() {
        return this == GATEWAY_OPERATE || this == SYSTEM_READ;
    }
}
