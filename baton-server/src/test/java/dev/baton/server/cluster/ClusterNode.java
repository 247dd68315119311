package dev.baton.server.cluster;

import dev.baton.server.TestEgress;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;
import dev.baton.server.api.ApiClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * One Baton node of a test cluster: a {@link BatonNode} on a shared PostgreSQL served over real HTTP on a loopback
 * port of its own, with a client. Closing drains nothing: it stops the listener, then the node.
 */
record ClusterNode(BatonNode node, BatonServer server, ApiClient api) implements AutoCloseable {

    /** Short leases and polls so that tests of failover and drains take a second or two, not the defaults' 15 s. */
    static ClusterSettings settings(String nodeId) {
        return new ClusterSettings(nodeId, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(200), 32,
                Duration.ofSeconds(5));
    }

    /** Starts a PostgreSQL server on a free loopback port (zonky embedded binaries). */
    static EmbeddedPostgres startPostgres() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** The configuration of node {@code nodeId} on {@code postgres} (no embedding model). */
    static BatonConfig config(EmbeddedPostgres postgres, Path dataDir, String nodeId) {
        BatonConfig.Store store = new BatonConfig.Store(BatonConfig.StoreType.POSTGRESQL,
                postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 4, Duration.ofSeconds(2));
        return new BatonConfig(dataDir, store, BatonConfig.Server.DEFAULT, BatonConfig.Engine.DEFAULT,
                BatonConfig.Ai.DISABLED).withCluster(settings(nodeId)).withEgress(TestEgress.LOOPBACK);
    }

    static ClusterNode open(EmbeddedPostgres postgres, Path dataDir, String nodeId) {
        return open(config(postgres, dataDir, nodeId), UnaryOperator.identity());
    }

    static ClusterNode open(BatonConfig base, UnaryOperator<BatonConfig> adjust) {
        BatonNode node = BatonNode.open(adjust.apply(base));
        try {
            BatonServer server = BatonServer.start(node, "127.0.0.1", 0);
            return new ClusterNode(node, server, new ApiClient(server.url()));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    String id() {
        return node.nodeId();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            node.close();
        }
    }
}
