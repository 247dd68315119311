package dev.baton.observability.alerts;

import dev.baton.core.workflow.DurationFormat;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.HealthState;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.system.HostReading;
import dev.baton.observability.system.SystemMetric;
import dev.baton.observability.system.SystemSample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An alert rule: a condition {@code value > threshold} on each of its subjects, which must hold for
 * {@link #forDuration()} before an alert fires. Each rule says what it saw with a summary and a recommendation a
 * person can act on. Immutable; {@link #observe} is a pure function of its inputs.
 */
public sealed interface AlertRule {

    /** The rule's name (its key under {@code observability.alerts.rules}). */
    String name();

    /** How long the condition must hold before the alert fires. */
    Duration forDuration();

    /** The condition in words, e.g. {@code host CPU busy > 80% for 5m}. */
    String condition();

    /**
     * What the rule sees now: one observation per subject it can judge. A subject it cannot judge (no sample
     * yet, a value the platform does not give, fewer runs than {@code minRuns}) is left out, which resolves an
     * alert firing for it.
     */
    List<Observation> observe(AlertInputs inputs);

    /** The enabled rules of {@code settings}, in a fixed order; empty when alerts are off. */
    static List<AlertRule> of(AlertSettings settings, boolean hostMonitoring) {
        List<AlertRule> rules = new ArrayList<>();
        if (!settings.enabled()) {
            return rules;
        }
        if (hostMonitoring) {
            if (settings.cpu().enabled()) {
                rules.add(new HostUsage("cpu", SystemMetric.CPU_HOST, settings.cpu()));
            }
            if (settings.memory().enabled()) {
                rules.add(new HostUsage("memory", SystemMetric.MEMORY_USED, settings.memory()));
            }
            if (settings.disk().enabled()) {
                rules.add(new HostUsage("disk", SystemMetric.DISK_USED, settings.disk()));
            }
        }
        if (settings.runErrorRate().enabled()) {
            rules.add(new RunErrorRate(settings.runErrorRate()));
        }
        if (settings.queueWait().enabled()) {
            rules.add(new QueueWait(settings.queueWait()));
        }
        if (settings.deploymentUnhealthy().enabled()) {
            rules.add(new DeploymentUnhealthy(settings.deploymentUnhealthy()));
        }
        return List.copyOf(rules);
    }

    /** A host percentage (CPU, memory, disk) above its threshold. */
    record HostUsage(String name, SystemMetric metric, AlertSettings.UsageRule settings) implements AlertRule {
        public HostUsage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public Duration forDuration() {
            return settings.forDuration();
        }

        @Override
        public String condition() {
            return what() + " > " + percent(settings.thresholdPercent()) + " for "
                   + DurationFormat.format(settings.forDuration());
        }

        private String what() {
            return switch (name) {
                case "cpu" -> "host CPU busy";
                case "memory" -> "host memory used";
                default -> "data directory disk used";
            };
        }

        @Override
        public List<Observation> observe(AlertInputs inputs) {
            SystemSample sample = inputs.sample();
            double ratio = sample == null ? Double.NaN : metric.of(sample);
            if (Double.isNaN(ratio)) {
                return List.of();
            }
            double value = ratio * 100;
            String summary = what() + " at " + percent(value) + " (threshold " + percent(settings.thresholdPercent())
                             + " for " + DurationFormat.format(settings.forDuration()) + ")";
            return List.of(new Observation(name, "host", value > settings.thresholdPercent(), value,
                    settings.thresholdPercent(), "percent", summary, recommendation(sample.host())));
        }

        private String recommendation(HostReading host) {
            return switch (name) {
                case "cpu" -> "Baton's own process uses " + percent(host.processCpuLoad() * 100) + " of the host's "
                        + "CPU. If that is most of it, the node is CPU-bound: lower engine.maxConcurrentAttempts or "
                        + "engine.stepTypeLimits for CPU-heavy steps (embed, classify, transform), or add a node on "
                        + "the same PostgreSQL store. Raise engine.maxConcurrentAttempts only if runs queue up while "
                        + "CPU stays below the threshold. If another process uses the CPU, move it or Baton.";
                case "memory" -> "The JVM heap uses " + bytes(host.heapUsedBytes()) + " of "
                        + (host.heapMaxBytes() > 0 ? bytes(host.heapMaxBytes()) : "an unbounded heap")
                        + ". If the heap is near its limit, lower engine.maxRunningRuns or raise -Xmx within the "
                        + "host's memory; if the memory is used outside the heap (the ONNX embedding model, other "
                        + "processes), give the host more memory or move other processes off it before the kernel's "
                        + "OOM killer stops Baton.";
                default -> "The filesystem holding dataDir has " + bytes(host.diskTotalBytes() - host.diskUsedBytes())
                        + " left. Free space or grow the volume before it fills: a full disk stops the store from "
                        + "journaling runs. With the embedded H2 store run history grows in dataDir; move large "
                        + "deployments to PostgreSQL (store.type: postgresql).";
            };
        }
    }

    /** The share of failed runs in the window above the threshold. */
    record RunErrorRate(AlertSettings.ErrorRateRule settings) implements AlertRule {
        public RunErrorRate {
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public String name() {
            return "runErrorRate";
        }

        @Override
        public Duration forDuration() {
            return settings.forDuration();
        }

        @Override
        public String condition() {
            return "failed or timed-out runs > " + percent(settings.thresholdPercent()) + " of the runs finished in "
                   + DurationFormat.format(settings.window()) + " (at least " + settings.minRuns() + " runs)";
        }

        @Override
        public List<Observation> observe(AlertInputs inputs) {
            RecentRuns.Stats stats = inputs.runs().stats(settings.window());
            if (stats.finished() < settings.minRuns()) {
                return List.of();
            }
            double value = stats.errorRate() * 100;
            String summary = stats.failed() + " of " + stats.finished() + " runs finished in the last "
                             + DurationFormat.format(settings.window()) + " failed or timed out (" + percent(value)
                             + ", threshold " + percent(settings.thresholdPercent()) + ")";
            String recommendation = "See GET /api/v1/analytics/workflows for the workflows and steps that fail, "
                    + "their top error codes and an example run id. upstream-* and timeout codes point to a model "
                    + "provider or an http target (check GET /api/v1/gateway/deployments), invalid-* codes to "
                    + "workflow definitions or the inputs clients send; fix the cause rather than raising retries.";
            return List.of(new Observation(name(), "runs", value > settings.thresholdPercent(), value,
                    settings.thresholdPercent(), "percent", summary, recommendation));
        }
    }

    /** The 95th percentile of run queue wait in the window above the threshold. */
    record QueueWait(AlertSettings.QueueWaitRule settings) implements AlertRule {
        public QueueWait {
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public String name() {
            return "queueWait";
        }

        @Override
        public Duration forDuration() {
            return settings.forDuration();
        }

        @Override
        public String condition() {
            return "p95 run queue wait over " + DurationFormat.format(settings.window()) + " > "
                   + DurationFormat.format(settings.threshold()) + " (at least " + settings.minRuns() + " runs)";
        }

        @Override
        public List<Observation> observe(AlertInputs inputs) {
            RecentRuns.Stats stats = inputs.runs().stats(settings.window());
            if (stats.admitted() < settings.minRuns() || stats.queueWaitP95() == null) {
                return List.of();
            }
            double value = stats.queueWaitP95().toMillis() / 1000.0;
            double threshold = settings.threshold().toMillis() / 1000.0;
            String summary = "95% of the " + stats.admitted() + " runs admitted in the last "
                             + DurationFormat.format(settings.window()) + " waited up to "
                             + DurationFormat.format(stats.queueWaitP95()) + " in the queue (threshold "
                             + DurationFormat.format(settings.threshold()) + ")";
            String recommendation = "Runs arrive faster than the node admits them. If CPU and memory have "
                    + "headroom, raise engine.maxRunningRuns (and engine.maxConcurrentAttempts); check whether a "
                    + "step type capped by engine.stepTypeLimits holds runs back; otherwise add a node on the same "
                    + "PostgreSQL store, or lower the priority of batch runs so interactive ones go first.";
            return List.of(new Observation(name(), "runs", value > threshold, value, threshold, "seconds",
                    summary, recommendation));
        }
    }

    /** A gateway deployment whose health is UNHEALTHY (one alert per deployment; disabled ones are ignored). */
    record DeploymentUnhealthy(AlertSettings.DeploymentRule settings) implements AlertRule {
        public DeploymentUnhealthy {
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public String name() {
            return "deploymentUnhealthy";
        }

        @Override
        public Duration forDuration() {
            return settings.forDuration();
        }

        @Override
        public String condition() {
            return "a gateway deployment UNHEALTHY for " + DurationFormat.format(settings.forDuration());
        }

        @Override
        public List<Observation> observe(AlertInputs inputs) {
            List<Observation> observations = new ArrayList<>();
            for (DeploymentStatus d : inputs.deployments()) {
                if (!d.enabled()) {
                    continue;
                }
                boolean unhealthy = d.health() == HealthState.UNHEALTHY;
                String summary = "deployment " + d.id() + " (alias " + d.alias() + ", " + d.provider() + " "
                                 + d.upstreamModel() + ") is " + d.health() + ", breaker " + d.breaker() + ", uptime "
                                 + percent(d.uptimePercent()) + " over its recent checks";
                String recommendation = "Its calls fail or time out; requests fail over to the other deployments "
                        + "of alias " + d.alias() + " if it has any. Check the provider's status page, the "
                        + "deployment's API key and quota (GET /api/v1/gateway/deployments/" + d.id() + " lists "
                        + "the recent errors); disable it with POST /api/v1/gateway/deployments/" + d.id()
                        + "/disable until it recovers, or add another deployment to the alias.";
                observations.add(new Observation(name(), d.id(), unhealthy, unhealthy ? 1 : 0, 0, "unhealthy",
                        summary, recommendation));
            }
            return observations;
        }
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "an unknown share" : String.format(Locale.ROOT, "%.1f%%", value);
    }

    private static String bytes(long bytes) {
        if (bytes < 0) {
            return "an unknown amount";
        }
        double mib = bytes / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
                : String.format(Locale.ROOT, "%.0f MiB", mib);
    }
}
