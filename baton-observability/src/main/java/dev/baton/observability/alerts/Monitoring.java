package dev.baton.observability.alerts;

import dev.baton.core.engine.EngineObserver;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.SystemSettings;
import dev.baton.observability.system.HostProbe;
import dev.baton.observability.system.HostReading;
import dev.baton.observability.system.OshiHostProbe;
import dev.baton.observability.system.SystemMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A node's system monitoring and alerts, assembled from its settings: the host monitor (when
 * {@code observability.system.enabled}), the window of recent runs (an {@link EngineObserver} for the engine),
 * the alert evaluator (run after every sample) and the webhook (when configured). The node creates it before the
 * engine (to pass {@link #observer()}), {@link #start()}s it once open and closes it when closing.
 *
 * <p>Without host monitoring ({@code system.enabled: false}) the host rules are left out and the other rules are
 * evaluated every {@code system.interval} on a virtual thread of their own (and on demand, e.g. when the API
 * lists alerts). When OSHI cannot read the
 * platform, the monitor logs it once and takes no samples, so the host rules never fire.
 * Thread-safe.
 */
public final class Monitoring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

    private final SystemMonitor monitor;
    private final RecentRuns runs;
    private final boolean runRules;
    private final AlertEvaluator alerts;
    private final WebhookNotifier webhook;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Duration interval;
    private volatile Thread evaluationLoop;

    private Monitoring(SystemMonitor monitor, RecentRuns runs, boolean runRules, AlertEvaluator alerts,
                       WebhookNotifier webhook, Duration interval) {
        this.interval = interval;
        this.monitor = monitor;
        this.runs = runs;
        this.runRules = runRules;
        this.alerts = alerts;
        this.webhook = webhook;
    }

    /**
     * Assembles monitoring with the OSHI probe of {@code dataDir}.
     *
     * @param deployments the gateway's deployments, read at each evaluation
     * @param environment the process environment (webhook header secrets)
     * @throws dev.baton.core.error.BatonException INVALID_INPUT when a webhook header's secret cannot be resolved
     */
    public static Monitoring open(SystemSettings system, AlertSettings alerts, Path dataDir,
                                  Supplier<List<DeploymentStatus>> deployments, Map<String, String> environment,
                                  InstantSource clock) {
        // OSHI loads its classes and JNA's native library on first use (about a second on a busy host): the
        // probe is created by the first sample, on the monitor's thread, not on the node's start-up path
        HostProbe probe = system.enabled() ? new DeferredProbe(() -> new OshiHostProbe(dataDir)) : null;
        return open(system, alerts, probe, deployments, environment, clock);
    }

    /**
     * Assembles monitoring over {@code probe}.
     *
     * @param probe the host probe, or {@code null} for no host monitoring
     */
    public static Monitoring open(SystemSettings system, AlertSettings alerts, HostProbe probe,
                                  Supplier<List<DeploymentStatus>> deployments, Map<String, String> environment,
                                  InstantSource clock) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(alerts, "alerts");
        SystemMonitor monitor = system.enabled() && probe != null ? new SystemMonitor(probe, system, clock) : null;
        RecentRuns runs = new RecentRuns(alerts.runWindow(), clock);
        WebhookNotifier webhook = alerts.enabled() && alerts.webhook() != null
                ? new WebhookNotifier(alerts.webhook(), environment, nodeName(environment), clock,
                WebhookNotifier.Sleeper.REAL, new SplittableRandom())
                : null;
        AlertEvaluator evaluator = new AlertEvaluator(AlertRule.of(alerts, monitor != null), runs, deployments,
                () -> monitor == null ? null : monitor.latest().orElse(null),
                webhook == null ? AlertListener.NONE : webhook, clock, alerts.keepResolved());
        if (monitor != null) {
            monitor.subscribe(evaluator::onSample);
        }
        boolean runRules = alerts.enabled() && (alerts.runErrorRate().enabled() || alerts.queueWait().enabled());
        return new Monitoring(monitor, runs, runRules, evaluator, webhook, system.interval());
    }

    private static String nodeName(Map<String, String> environment) {
        String host = environment.get("HOSTNAME");
        return host != null && !host.isBlank() ? host : "baton-" + ProcessHandle.current().pid();
    }

    /**
     * Starts sampling in the background: the first sample at once, then one every interval. Returns at once;
     * {@link #started()} completes after the first sample.
     */
    public void start() {
        if (monitor == null) {
            // no samples to evaluate after: the run and gateway rules are evaluated every interval instead
            if (!alerts.rules().isEmpty() && closed.getCount() > 0) {
                evaluationLoop = Thread.ofVirtual().name("baton-alert-evaluation").start(this::evaluateEveryInterval);
            }
            started.complete(null);
            return;
        }
        Thread.ofVirtual().name("baton-system-monitor-start").start(() -> {
            try {
                monitor.start();
            } catch (IllegalStateException e) {
                LOG.debug("host monitoring not started: {}", e.getMessage()); // closed before it could start
            } finally {
                started.complete(null);
            }
        });
    }

    private void evaluateEveryInterval() {
        try {
            while (!closed.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                alerts.evaluate();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Completes once {@link #start()} took its first sample (or found host monitoring off or closed); the host
     * rules have seen that sample by then. Never completes exceptionally.
     */
    public CompletableFuture<Void> started() {
        return started;
    }

    /**
     * A probe created by its first reading. A creation that fails (OSHI cannot read this platform, JNA cannot
     * load) fails every reading with the same message, without trying again.
     */
    private static final class DeferredProbe implements HostProbe {
        private final Supplier<HostProbe> factory;
        private HostProbe probe;
        private String failure;

        DeferredProbe(Supplier<HostProbe> factory) {
            this.factory = factory;
        }

        @Override
        public HostReading read() {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            if (probe == null) {
                try {
                    probe = factory.get();
                } catch (RuntimeException | LinkageError e) {
                    failure = "OSHI cannot read this platform: " + e;
                    throw new IllegalStateException(failure, e);
                }
            }
            return probe.read();
        }
    }

    /**
     * The observer to add to the engine's: feeds the run rules; {@link EngineObserver#NONE} when alerts are off or
     * neither {@code runErrorRate} nor {@code queueWait} is enabled (nothing would read the window).
     */
    public EngineObserver observer() {
        return runRules ? runs : EngineObserver.NONE;
    }

    /** The host monitor, empty when host monitoring is off. */
    public Optional<SystemMonitor> monitor() {
        return Optional.ofNullable(monitor);
    }

    /** The alert evaluator (no rules when alerts are off). */
    public AlertEvaluator alerts() {
        return alerts;
    }

    /** Stops sampling and the webhook. Idempotent. */
    @Override
    public void close() {
        closed.countDown();
        Thread loop = evaluationLoop;
        if (loop != null) {
            try {
                loop.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (monitor != null) {
                monitor.close();
            }
        } finally {
            if (webhook != null) {
                webhook.close();
            }
        }
    }
}
