package dev.baton.server;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.api.ApiRoutes;
import dev.baton.server.security.ListenerGuard;
import dev.baton.server.transport.Listener;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HandlerType;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Serves a {@link BatonNode} over HTTP: the REST API under {@code /api/v1} (see {@link ApiRoutes}) on Javalin 7
 * with virtual threads. The listener can start before the node is open ({@link NodeStartup}): liveness answers
 * at once, {@code GET /api/v1/health/ready} says when the node (store, language, templates) is open and the
 * embedding model loaded, and the other routes answer 503 ({@code not-ready}, {@code Retry-After}) until then.
 *
 * <pre>{@code
 * try (BatonNode node = BatonNode.open(config);
 *      BatonServer server = BatonServer.start(node, "127.0.0.1", 8080)) {
 *     System.out.println("listening on " + server.url());
 *     server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>The server does not own the node: {@link #close()} stops the HTTP listener only, so the caller closes the
 * node afterwards (try-with-resources in the order above does this). Thread-safe.
 */
public final class BatonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonServer.class);
    /** Interval of keep-alive comments on event streams. */
    static final Duration SSE_KEEP_ALIVE = Duration.ofSeconds(15);
    /** Pending connections the listening socket queues before the kernel refuses more (capped at somaxconn). */
    static final int ACCEPT_QUEUE = 1024;

    /**
     * One registered route.
     *
     * @param method upper-case HTTP method, e.g. {@code GET}
     * @param path   the path pattern with {@code {param}} placeholders, e.g. {@code /api/v1/runs/{id}}
     */
    public record Route(String method, String path) {
    }

    private final Javalin app;
    private final ApiRoutes api;
    private final String host;
    private final boolean https;
    private final List<Route> routes;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private BatonServer(Javalin app, ApiRoutes api, String host, boolean https, List<Route> routes) {
        this.app = app;
        this.api = api;
        this.host = host;
        this.https = https;
        this.routes = Collections.unmodifiableList(routes);
    }

    /**
     * Starts serving {@code node} on {@code host:port} and returns once the port accepts connections.
     *
     * @param port 0 for any free port (see {@link #port()})
     * @throws BatonException UNAVAILABLE ({@code not-ready}) when the address cannot be bound; INVALID_INPUT naming
     *                        the setting when {@code server.tls} cannot be used
     */
    public static BatonServer start(BatonNode node, String host, int port) {
        return start(node, host, port, SSE_KEEP_ALIVE, config -> { });
    }

    /**
     * Starts serving a node that may still be opening (see {@link NodeStartup}) and returns once the port accepts
     * connections: liveness answers from then on, readiness and the other routes say when the node is open.
     *
     * @throws BatonException UNAVAILABLE ({@code not-ready}) when the address cannot be bound
     */
    public static BatonServer start(NodeStartup startup, String host, int port) {
        return start(startup, host, port, SSE_KEEP_ALIVE, config -> { });
    }

    /** As {@link #start(BatonNode, String, int)}, with extra configuration (tests add fault-injecting routes). */
    static BatonServer start(BatonNode node, String host, int port, Duration keepAlive,
                             Consumer<JavalinConfig> extra) {
        return start(NodeStartup.opened(node), host, port, keepAlive, extra);
    }

    /** As {@link #start(NodeStartup, String, int)}, with extra configuration. */
    static BatonServer start(NodeStartup startup, String host, int port, Duration keepAlive,
                             Consumer<JavalinConfig> extra) {
        ListenerGuard.check(startup.config().security().auth(), host);
        List<Route> routes = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<ApiRoutes> api = new AtomicReference<>();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.jetty.threadPool = threadPool();
            // Javalin's own connector would listen with the JDK's accept backlog of 50: a burst of connections
            // (1,000 clients starting streams within a second, docs/benchmarks.md) overflows it and the kernel
            // drops them. The same connector with a backlog of ACCEPT_QUEUE (the OS caps it at somaxconn).
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = Listener.connector(server, http, startup.config().server());
                connector.setHost(host);
                connector.setPort(port);
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                return connector;
            });
            config.events.handlerAdded(info -> {
                HandlerType type = info.getHttpMethod();
                if (type.isHttpMethod()) {
                    routes.add(new Route(type.name(), info.getPath()));
                }
            });
            api.set(ApiRoutes.install(config, startup, keepAlive));
            extra.accept(config);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            BatonException setting = invalidSetting(e);
            if (setting != null) {
                throw setting; // e.g. server.tls: a key that does not match the certificate
            }
            throw new BatonException(ErrorCode.NOT_READY, "cannot listen on " + host + ":" + port + ": "
                    + rootMessage(e), e);
        }
        BatonServer server = new BatonServer(app, api.get(), host, startup.config().server().tls() != null,
                new ArrayList<>(routes));
        LOG.info("Baton API listening on {}{}", server.url(), ApiRoutes.BASE);
        return server;
    }

    /**
     * Jetty's recommended set-up for virtual threads: its selectors and acceptors run on a small pool of platform
     * threads, and every request handler runs on a virtual thread of its own. (Javalin's default runs the selector
     * loops on virtual threads too, where a selector blocked in epoll holds one of the few carrier threads.)
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("baton-http");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        return pool;
    }

    /** The bound TCP port (the real one when started with port 0). */
    public int port() {
        return app.port();
    }

    /**
     * The server's base URL, e.g. {@code http://127.0.0.1:8080}, {@code https://...} with {@code server.tls}
     * (without {@code /api/v1}).
     */
    public URI url() {
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
        if (shown.contains(":") && !shown.startsWith("[")) {
            shown = "[" + shown + "]";
        }
        return URI.create((https ? "https://" : "http://") + shown + ":" + port());
    }

    /** Every route the server answers, as registered. */
    public List<Route> routes() {
        return routes;
    }

    /** Blocks until {@link #close()} has been called. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    /** Stops the HTTP listener (open event streams are closed). Idempotent. The node stays open. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                api.close();
                app.stop();
            } finally {
                stopped.countDown();
            }
        }
    }

    /** A configuration error raised while the connector was built, if that is why the server did not start. */
    private static BatonException invalidSetting(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BatonException baton && baton.code() == ErrorCode.INVALID_INPUT) {
                return baton;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
