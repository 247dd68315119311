package dev.baton.gateway.routing;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.config.HealthSettings;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

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
                var recorded = new AtomicBoolean();
                running.add(new Probe(deployment, recorded,
                        probeThreads.submit(() -> probe(deployment, start, recorded))));
            }
        }
        long deadline = System.nanoTime() + settings.probeTimeout().toNanos();
        for (Probe probe : running) {
            probe.await(Math.max(0, deadline - System.nanoTime()), settings.probeTimeout());
        }
    }

    /** One probe on its own virtual thread; records its result unless the timeout was recorded first. */
    private Void probe(DeploymentState deployment, Instant start, AtomicBoolean recorded) {
        String error = null;
        try {
            deployment.provider().probe(deployment.deployment());
        } catch (BatonException e) {
            error = e.code().code();
        } catch (RuntimeException e) {
            error = ErrorCode.INTERNAL.code();
        }
        if (recorded.compareAndSet(false, true)) {
            deployment.probed(error == null, Duration.between(start, clock.instant()), error);
        }
        return null;
    }

    /** A running probe; one still running at the deadline is cancelled and recorded as a timeout. */
    private record Probe(DeploymentState deployment, AtomicBoolean recorded, Future<Void> future) {
        void await(long nanos, Duration timeout) {
            try {
                future.get(nanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (recorded.compareAndSet(false, true)) {
                    deployment.probed(false, timeout, ErrorCode.TIMEOUT.code());
                }
                future.cancel(true);
            } catch (ExecutionException | CancellationException e) {
                // probe() records its own outcome and throws nothing
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
            }
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
