package dev.baton.core.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a node takes part in a cluster of nodes sharing one store.
 *
 * @param nodeId            this node's id, unique among the nodes and per process lifetime (a restarted node is a
 *                          new node); 1..64 characters of {@code [A-Za-z0-9._:-]}. Default {@link #defaultNodeId()}
 * @param leaseTtl          how long a run's lease lasts without renewal: a node that stops heartbeating loses its
 *                          runs after this; 1 s..10 min, default 15 s
 * @param heartbeatInterval how often the node renews its leases; at most a third of {@code leaseTtl}, default 5 s
 * @param pollInterval      how often an idle node looks for claimable runs when no signal woke it (signals make this
 *                          a fallback); 50 ms..1 min, default 1 s
 * @param claimBatch        most runs claimed in one statement, 1..1,000, default 32
 * @param drainTimeout      on graceful shutdown, how long the node lets its runs finish before it hands the rest
 *                          back; 0..1 h, default 30 s
 */
public record ClusterSettings(String nodeId, Duration leaseTtl, Duration heartbeatInterval, Duration pollInterval,
                              int claimBatch, Duration drainTimeout) {

    public ClusterSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        if (!nodeId.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("cluster.nodeId must be 1..64 characters of [A-Za-z0-9._:-], got '"
                    + nodeId + "'");
        }
        check("cluster.leaseTtl", leaseTtl, Duration.ofSeconds(1), Duration.ofMinutes(10));
        check("cluster.heartbeatInterval", heartbeatInterval, Duration.ofMillis(10), leaseTtl.dividedBy(3));
        check("cluster.pollInterval", pollInterval, Duration.ofMillis(50), Duration.ofMinutes(1));
        if (claimBatch < 1 || claimBatch > 1000) {
            throw new IllegalArgumentException("cluster.claimBatch must be between 1 and 1000, got " + claimBatch);
        }
        check("cluster.drainTimeout", drainTimeout, Duration.ZERO, Duration.ofHours(1));
    }

    /** The defaults with {@link #defaultNodeId()}. */
    public static ClusterSettings defaults() {
        return defaults(defaultNodeId());
    }

    /** The defaults with the given node id: 15 s leases renewed every 5 s, 1 s poll, batches of 32, 30 s drain. */
    public static ClusterSettings defaults(String nodeId) {
        return new ClusterSettings(nodeId, Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(1), 32,
                Duration.ofSeconds(30));
    }

    /** {@code <host>-<pid>-<4 random hex digits>}, e.g. {@code web-3-4711-9f2c}: unique per process. */
    public static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        host = host.replaceAll("[^A-Za-z0-9.-]", "-");
        if (host.length() > 40) {
            host = host.substring(0, 40);
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        return host + "-" + pid + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    public ClusterSettings withNodeId(String value) {
        return new ClusterSettings(value, leaseTtl, heartbeatInterval, pollInterval, claimBatch, drainTimeout);
    }

    public ClusterSettings withLeaseTtl(Duration ttl, Duration heartbeat) {
        return new ClusterSettings(nodeId, ttl, heartbeat, pollInterval, claimBatch, drainTimeout);
    }

    public ClusterSettings withPollInterval(Duration value) {
        return new ClusterSettings(nodeId, leaseTtl, heartbeatInterval, value, claimBatch, drainTimeout);
    }

    public ClusterSettings withDrainTimeout(Duration value) {
        return new ClusterSettings(nodeId, leaseTtl, heartbeatInterval, pollInterval, claimBatch, value);
    }

    private static void check(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
