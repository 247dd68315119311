package dev.baton.server.cli;

import dev.baton.core.engine.Engine;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.workflow.Workflow;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.ConfigSource;
import dev.baton.server.NodeShutdown;
import dev.baton.server.NodeStartup;
import dev.baton.server.logging.LogOutput;
import dev.baton.store.jdbc.JdbcStores;
import dev.baton.store.jdbc.StoreConfig;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The production backend: opens real {@link BatonNode}s. {@code baton run} uses the embedded default (an H2
 * file under the data directory, the in-process embedding model loaded in the background while the workflow is
 * registered) and the AI gateway configured in {@code ./baton.yaml} (or {@code BATON_GATEWAY_FILE}); {@code baton
 * server} uses the configuration file and environment ({@link ConfigSource}) with the
 * command line's host and port on top. Validation uses {@link BatonNode#validateDefinition}: the step types a real
 * node has, without opening a store or loading the model. Thread-safe (stateless).
 */
public final class NodeBackend implements CliBackend {

    @Override
    public Workflow validate(String source, String sourceName) {
        return BatonNode.validateDefinition(source, sourceName, ConfigSource.load(null).gateway());
    }

    @Override
    public LocalNode openLocal(Path dataDir) {
        BatonConfig defaults = BatonConfig.defaults();
        // llm.* steps of local runs use the AI gateway configured like the server's: the gateway: section of
        // ./baton.yaml, or the file named by BATON_GATEWAY_FILE
        BatonConfig config = new BatonConfig(dataDir, BatonConfig.Store.h2(dataDir), defaults.server(),
                defaults.engine(), defaults.ai(), defaults.http(), ConfigSource.load(null).gateway());
        return new Local(BatonNode.open(config));
    }

    @Override
    public RunningServer startServer(String host, Integer port, Path configFile) {
        BatonConfig config = ConfigSource.load(configFile);
        LogOutput.node(config.cluster().nodeId());
        LogOutput.apply(config.observability().logs());
        BatonConfig.Server server = config.server();
        config = config.withServer(new BatonConfig.Server(host != null ? host : server.host(),
                port != null ? port : server.port(), server.maxRequestSize(), server.maxWait()));
        // The listener first (liveness answers within the JVM's start-up), then the node opens in the background;
        // until it is open, readiness says so and the other routes answer 503 with Retry-After.
        NodeStartup startup = NodeStartup.deferred(config);
        BatonServer listening = BatonServer.start(startup, config.server().host(), config.server().port());
        startup.begin();
        return new Serving(startup, listening);
    }

    @Override
    public LocalKeys openKeys(Path configFile) {
        BatonConfig config = ConfigSource.load(configFile);
        BatonConfig.Store store = config.store();
        if (store.type() == BatonConfig.StoreType.MEMORY) {
            throw new BatonException(ErrorCode.INVALID_ARGUMENT, "--local needs the server's store (h2 or "
                    + "postgresql); the configured store is memory, whose keys live only as long as the server");
        }
        JdbcStores jdbc = JdbcStores.open(new StoreConfig(store.url(), store.user(), store.password(), 2,
                store.connectionTimeout(), store.socketTimeout()));
        String systemTenant = config.security().systemTenant();
        return new LocalKeys() {
            @Override
            public ApiKeyStore keys() {
                return jdbc.apiKeys();
            }

            @Override
            public String systemTenant() {
                return systemTenant;
            }

            @Override
            public void close() {
                jdbc.close();
            }
        };
    }

    /** A local node: the CLI's view of a {@link BatonNode}. */
    private record Local(BatonNode node) implements LocalNode {
        @Override
        public String tenantId() {
            return node.tenantId();
        }

        @Override
        public Workflow register(String source, String sourceName) {
            StoredWorkflow stored = node.register(source, sourceName);
            return node.resolve(stored.id(), stored.version());
        }

        @Override
        public Engine engine() {
            return node.engine();
        }

        @Override
        public void close() {
            node.close();
        }
    }

    /**
     * A server with its node: when the node fails to open, the listener stops and {@link #awaitTermination()}
     * throws the failure (the command exits with an error instead of serving 503 forever). Closing drains the
     * node, stops the listener, then closes the node ({@link NodeShutdown}). Idempotent.
     */
    private static final class Serving implements RunningServer {
        private final NodeStartup startup;
        private final BatonServer server;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Serving(NodeStartup startup, BatonServer server) {
            this.startup = startup;
            this.server = server;
            startup.future().whenComplete((node, error) -> {
                if (error != null) {
                    failure.set(error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error);
                    server.close();
                }
            });
        }

        @Override
        public URI url() {
            return server.url();
        }

        @Override
        public void awaitReady() throws InterruptedException {
            try {
                startup.future().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                failure.compareAndSet(null, cause);
                server.close();
                rethrowFailure();
            }
        }

        @Override
        public void awaitTermination() throws InterruptedException {
            server.awaitTermination();
            rethrowFailure();
        }

        private void rethrowFailure() {
            Throwable error = failure.get();
            if (error instanceof BatonException e) {
                throw e;
            }
            if (error != null) {
                throw new BatonException(ErrorCode.INTERNAL, "the server failed to start: " + error, error);
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                // drain (readiness 503 first), then the listener, then the node; bounded by cluster.drainTimeout
                NodeShutdown.stop(startup, server);
            }
        }
    }
}
