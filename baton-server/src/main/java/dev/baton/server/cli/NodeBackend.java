package dev.baton.server.cli;

import dev.baton.core.engine.Engine;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.workflow.Workflow;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.ConfigSource;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The production backend: opens real {@link BatonNode}s. {@code baton run} uses the embedded default (an H2
 * file under the data directory, the in-process embedding model loaded in the background while the workflow is
 * registered); {@code baton server} uses the configuration file and environment ({@link ConfigSource}) with the
 * command line's host and port on top. Validation uses a throw-away in-memory node, so it sees exactly the step
 * types a real node has. Thread-safe (stateless).
 */
public final class NodeBackend implements CliBackend {

    @Override
    public Workflow validate(String source, String sourceName) {
        try (BatonNode node = BatonNode.open(BatonConfig.inMemory())) {
            return node.validate(source, sourceName);
        }
    }

    @Override
    public LocalNode openLocal(Path dataDir) {
        BatonConfig defaults = BatonConfig.defaults();
        BatonConfig config = new BatonConfig(dataDir, BatonConfig.Store.h2(dataDir), defaults.server(),
                defaults.engine(), defaults.ai());
        return new Local(BatonNode.open(config));
    }

    @Override
    public RunningServer startServer(String host, Integer port, Path configFile) {
        BatonConfig config = ConfigSource.load(configFile);
        BatonConfig.Server server = config.server();
        config = config.withServer(new BatonConfig.Server(host != null ? host : server.host(),
                port != null ? port : server.port(), server.maxRequestSize(), server.maxWait()));
        BatonNode node = BatonNode.open(config);
        try {
            return new Serving(node, BatonServer.start(node, config.server().host(), config.server().port()));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
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

    /** A server and the node it serves; closing stops the listener, then the node. Idempotent. */
    private static final class Serving implements RunningServer {
        private final BatonNode node;
        private final BatonServer server;
        private final AtomicBoolean closed = new AtomicBoolean();

        Serving(BatonNode node, BatonServer server) {
            this.node = node;
            this.server = server;
        }

        @Override
        public URI url() {
            return server.url();
        }

        @Override
        public void awaitTermination() throws InterruptedException {
            server.awaitTermination();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    server.close();
                } finally {
                    node.close();
                }
            }
        }
    }
}
