package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.config.HealthSettings;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Active health probes: every {@link HealthSettings#probeInterval()} each enabled deployment's
 * {@link dev.baton.gateway.provider.Provider#probe} (which costs no tokens) runs on its own virtual thread, bounded
 * by {@link HealthSettings#probeTimeout()}; the result is a {@code probe} check in the deployment's health ring.
 * Probes never touch the breaker or the token buckets: they inform health and operators, traffic drives routing.
 * Disabled deployments are not probed.
 *
 * <p>The schedule runs on one virtual scheduler thread; {@link #close()} stops it and abandons running probes. The
 * probe timeout is real time (a bounded wait for the probe's thread); the checks carry the injected clock's time.
 */
final class HealthProbes implements AutoCloseable {
    private final List<DeploymentState> deployments;
    private final HealthSettings settings;
    private final InstantSource clock;
    private final ExecutorService probeThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService schedule;

    HealthProbes(List<DeploymentState> deployments, HealthSettings settings, InstantSource clock) {
        this.deployments = List.copyOf(deployments);
        this.settings = settings;
        this.clock = clock;
        if (settings.probeInterval().isZero()) {
            this.schedule = null;
        } else {
            this.schedule = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("baton-gateway-probes").factory());
            long every = settings.probeInterval().toMillis();
            schedule.scheduleWithFixedDelay(this::probeAll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Probes every enabled deployment once, concurrently, and returns when all finished or timed out. */
    void probeAll() {
        var running = new ArrayList<Probe>();
        for (DeploymentState deployment : deployments) {
            if (deployment.enabled()) {
                Instant start = clock.instant();
                Callable<Void> probe = () -> {
                    deployment.provider().probe(deployment.deployment());
                    return null;
                };
                running.add(new Probe(deployment, start, probeThreads.submit(probe), clock));
            }
        }
        long deadline = System.nanoTime() + settings.probeTimeout().toNanos();
        for (Probe probe : running) {
            probe.await(Math.max(0, deadline - System.nanoTime()));
        }
    }

    private record Probe(DeploymentState deployment, Instant start, Future<Void> future, InstantSource clock) {
        void await(long nanos) {
            String error = null;
            try {
                future.get(nanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                error = e.getCause() instanceof BatonException b ? b.code().code() : ErrorCode.INTERNAL.code();
            } catch (TimeoutException | CancellationException e) {
                future.cancel(true);
                error = ErrorCode.TIMEOUT.code();
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                return;
            }
            deployment.probed(error == null, Duration.between(start, clock.instant()), error);
        }
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
        probeThreads.shutdownNow();
    }
}
