package dev.baton.gateway.admin;

import java.util.List;

/** Operator controls over deployments. Thread-safe; changes take effect for the next request. */
public interface GatewayAdmin {

    /** Every deployment, in alias then configured order. */
    List<DeploymentStatus> deployments();

    /**
     * One deployment.
     *
     * @throws dev.baton.core.error.BatonException {@code NOT_FOUND} for an unknown id
     */
    DeploymentStatus deployment(String id);

    /**
     * Enables or disables a deployment. A disabled deployment gets no traffic and no probes until enabled again.
     * Not persisted: a restart returns to the configured state.
     *
     * @return the deployment's status after the change
     * @throws dev.baton.core.error.BatonException {@code NOT_FOUND} for an unknown id
     */
    DeploymentStatus setEnabled(String id, boolean enabled);

    /**
     * Calls refused for a rate limit since start, by scope (for metrics). Cheap: reads two counters.
     * Default: {@link RateLimitRefusals#NONE} for gateways that keep no count.
     */
    default RateLimitRefusals rateLimitRefusals() {
        return RateLimitRefusals.NONE;
    }
}
