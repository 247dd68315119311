package dev.baton.server.api;

import dev.baton.server.TestEgress;

import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import dev.baton.server.BatonServer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node (in-memory store, real engine, real step handlers, embedding model loading in the background) and
 * one server on 127.0.0.1 with a free port, shared by the API tests of this JVM and closed at JVM exit.
 */
final class TestServer {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static volatile TestServer shared;

    final BatonNode node;
    final BatonServer server;
    final ApiClient client;

    private TestServer(BatonNode node, BatonServer server) {
        this.node = node;
        this.server = server;
        this.client = new ApiClient(server.url());
    }

    static synchronized TestServer get() {
        if (shared == null) {
            BatonConfig config = BatonConfig.inMemory().withEgress(TestEgress.LOOPBACK);
            BatonNode node = BatonNode.open(config);
            BatonServer server = BatonServer.start(node, "127.0.0.1", 0);
            shared = new TestServer(node, server);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                node.close();
            }));
        }
        return shared;
    }

    /** A workflow id no other test uses. */
    static String uniqueId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }
}
