package dev.baton.server;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link BatonNode} that may still be opening, so that the HTTP listener can answer liveness (and say it is
 * not ready yet) while the store opens and migrates, the workflow language warms up and the templates are read.
 *
 * <pre>{@code
 * NodeStartup startup = NodeStartup.deferred(config);
 * BatonServer server = BatonServer.start(startup, host, port);  // live from here on
 * startup.begin();                                              // the node opens on a background thread
 * }</pre>
 *
 * <p>Until the node is open, {@link #require()} throws NOT_READY (503 with {@code Retry-After} on the API) and
 * {@link #readiness()} reports a {@code node} component that is not ready; when opening failed, both say why.
 * Thread-safe.
 */
public final class NodeStartup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStartup.class);

    private final BatonConfig config;
    private final CompletableFuture<BatonNode> node;
    private final AtomicBoolean begun = new AtomicBoolean();

    private NodeStartup(BatonConfig config, CompletableFuture<BatonNode> node) {
        this.config = Objects.requireNonNull(config, "config");
        this.node = node;
    }

    /** A node that is already open. */
    public static NodeStartup opened(BatonNode node) {
        NodeStartup startup = new NodeStartup(node.config(), CompletableFuture.completedFuture(node));
        startup.begun.set(true);
        return startup;
    }

    /** A node to be opened with {@code config} once {@link #begin()} is called. */
    public static NodeStartup deferred(BatonConfig config) {
        return new NodeStartup(config, new CompletableFuture<>());
    }

    /** Starts opening the node on a background platform thread ({@code baton-node-open}). Idempotent. */
    public void begin() {
        if (!begun.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().name("baton-node-open").daemon(false).start(() -> {
            try {
                node.complete(BatonNode.open(config));
            } catch (Throwable t) {
                LOG.error("the node failed to start: {}", t.getMessage(), t);
                node.completeExceptionally(t);
            }
        });
    }

    /** The configuration the node is opened with (available before it is open). */
    public BatonConfig config() {
        return config;
    }

    /** Completes with the open node, or exceptionally when opening failed. */
    public CompletableFuture<BatonNode> future() {
        return node.copy();
    }

    /**
     * The open node.
     *
     * @throws BatonException NOT_READY while it is still opening or when opening failed (the message says which)
     */
    public BatonNode require() {
        BatonNode open = openNode();
        if (open != null) {
            return open;
        }
        throw new BatonException(ErrorCode.NOT_READY, status());
    }

    /**
     * Readiness per component: the node's own ({@link BatonNode#readiness()}) once it is open, else one
     * {@code node} component that is not ready, with what it is doing or why it failed.
     */
    public Map<String, ComponentHealth> readiness() {
        BatonNode open = openNode();
        if (open != null) {
            return open.readiness();
        }
        Map<String, ComponentHealth> components = new LinkedHashMap<>();
        components.put("node", ComponentHealth.notReady(status()));
        return components;
    }

    /**
     * The detailed health: the open node's ({@link BatonNode#health()}), else DOWN with what it is doing or why
     * it failed.
     */
    public HealthReport health() {
        BatonNode open = openNode();
        return open != null ? open.health() : HealthReport.notOpen(Instant.now(), status());
    }

    /** The node when it is open; empty while it is opening or when opening failed. */
    public Optional<BatonNode> node() {
        return Optional.ofNullable(openNode());
    }

    /** Whether the open node is draining (graceful shutdown: {@link BatonNode#drain()}). */
    public boolean draining() {
        BatonNode open = openNode();
        return open != null && open.draining();
    }

    /** The node when it opened successfully, else null (still opening, or failed). */
    private BatonNode openNode() {
        return node.isDone() && !node.isCompletedExceptionally() ? node.join() : null;
    }

    private String status() {
        if (node.isCompletedExceptionally()) {
            return "the node failed to start: " + failure().getMessage();
        }
        return "the node is starting (opening the store, loading the workflow language); retry shortly";
    }

    /** Why opening failed, or null. */
    Throwable failure() {
        if (!node.isCompletedExceptionally()) {
            return null;
        }
        try {
            node.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Waits for an opening node to finish opening, then closes it. */
    @Override
    public void close() {
        if (!begun.get()) {
            node.cancel(false);
            return;
        }
        BatonNode open;
        try {
            open = node.join();
        } catch (RuntimeException e) {
            return;
        }
        open.close();
    }
}
