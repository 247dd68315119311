package dev.baton.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Stops a served node gracefully, in this order (SIGTERM, Ctrl-C, or a program closing its server):
 * <ol>
 *   <li>{@link BatonNode#drain()}: readiness answers 503 {@code draining} at once (load balancers stop sending),
 *       new runs are refused with 503 {@code not-ready} and {@code Retry-After}, running runs get up to
 *       {@code cluster.drainTimeout} to finish and the rest are handed back (in a cluster, other nodes resume
 *       them at once). The HTTP listener still serves meanwhile: clients can read their runs and follow
 *       their event streams;</li>
 *   <li>the HTTP listener stops (open event streams end);</li>
 *   <li>the node closes: engine, gateway, model, cluster signals, store, then tracing.</li>
 * </ol>
 * The whole sequence is bounded: {@link #stop} returns after at most {@code drainTimeout} + {@link #GRACE} even
 * when a step does not (it logs what it left), so that a process manager's kill timeout is not needed.
 */
public final class NodeShutdown {
    /** Time allowed after the drain for the listener and the node to close. */
    public static final Duration GRACE = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(NodeShutdown.class);

    private NodeShutdown() {
    }

    /**
     * Drains, then closes {@code listener}, then closes the node; returns when done or after
     * {@code drainTimeout} + {@link #GRACE}.
     *
     * @param startup  the node (possibly still opening: then nothing to drain, and its opening is awaited)
     * @param listener the HTTP server serving it
     */
    public static void stop(NodeStartup startup, AutoCloseable listener) {
        Duration drainTimeout = startup.config().cluster().drainTimeout();
        Thread stopping = Thread.ofPlatform().name("baton-shutdown").start(() -> {
            try {
                Optional<BatonNode> node = startup.node();
                if (node.isPresent()) {
                    node.get().drain();
                }
            } catch (RuntimeException e) {
                LOG.warn("draining the node failed; closing it anyway: {}", e.toString());
            } finally {
                try {
                    listener.close();
                } catch (Exception e) {
                    LOG.warn("stopping the HTTP listener failed: {}", e.toString());
                } finally {
                    startup.close();
                }
            }
        });
        Duration bound = drainTimeout.plus(GRACE);
        try {
            if (!stopping.join(bound)) {
                LOG.warn("the node did not stop within {} (cluster.drainTimeout + {}); exiting anyway", bound, GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
