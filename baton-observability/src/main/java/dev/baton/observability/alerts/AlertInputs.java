package dev.baton.observability.alerts;

import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.observability.system.SystemSample;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the rules look at in one evaluation.
 *
 * @param now         the evaluation's time
 * @param sample      the latest host sample, or {@code null} when monitoring is off or none was taken yet
 * @param runs        the window of recent runs
 * @param deployments every gateway deployment's status (empty without a gateway)
 */
public record AlertInputs(Instant now, SystemSample sample, RecentRuns runs, List<DeploymentStatus> deployments) {
    public AlertInputs {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(runs, "runs");
        deployments = List.copyOf(deployments);
    }
}
