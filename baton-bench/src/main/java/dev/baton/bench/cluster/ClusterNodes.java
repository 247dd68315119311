package dev.baton.bench.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A set of node processes on one database, started together (in parallel: on a small machine their start-ups
 * overlap anyway) and stopped together; and a {@link RunClient} per node.
 */
final class ClusterNodes implements AutoCloseable {
    private final List<NodeProcess> nodes;
    private final List<RunClient> clients;

    private ClusterNodes(List<NodeProcess> nodes) {
        this.nodes = List.copyOf(nodes);
        this.clients = nodes.stream().map(node -> new RunClient(node.url())).toList();
    }

    /**
     * Starts one node per settings; when one fails the others are stopped and the failure is thrown.
     */
    static ClusterNodes start(Path jar, List<NodeProcess.Settings> settings, List<String> javaOptions)
            throws Exception {
        List<Future<NodeProcess>> starting = new ArrayList<>();
        List<NodeProcess> started = new ArrayList<>();
        Exception failure = null;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (NodeProcess.Settings node : settings) {
                starting.add(threads.submit(() -> NodeProcess.start(jar, node, javaOptions)));
            }
            for (Future<NodeProcess> node : starting) {
                try {
                    started.add(node.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        if (failure != null) {
            started.forEach(NodeProcess::close);
            throw failure;
        }
        return new ClusterNodes(started);
    }

    List<NodeProcess> nodes() {
        return nodes;
    }

    List<RunClient> clients() {
        return clients;
    }

    /** CPU of every live node so far, ms, in node order. */
    long[] cpuMillis() {
        return nodes.stream().mapToLong(NodeProcess::cpuMillis).toArray();
    }

    @Override
    public void close() {
        clients.forEach(RunClient::close);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            nodes.forEach(node -> threads.execute(node::close));
        }
    }
}
