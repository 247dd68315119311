package dev.baton.gateway.routing;

import dev.baton.gateway.config.ModelAlias;

import java.util.List;
import java.util.Objects;

/**
 * A model alias with the run-time state of its deployments (in configured order) and its balancer.
 *
 * @param alias       the configured alias
 * @param deployments its deployments' state, in configured order
 * @param balancer    its load-balancing strategy
 */
record Route(ModelAlias alias, List<DeploymentState> deployments, Balancer balancer) {

    Route {
        Objects.requireNonNull(alias, "alias");
        deployments = List.copyOf(deployments);
        Objects.requireNonNull(balancer, "balancer");
    }

    String name() {
        return alias.name();
    }

    /** The enabled deployments ranked for the next attempt by the balancer; empty when none is enabled. */
    List<DeploymentState> ranked() {
        List<DeploymentState> enabled = deployments.stream().filter(DeploymentState::enabled).toList();
        return enabled.isEmpty() ? enabled : balancer.rank(enabled);
    }
}
