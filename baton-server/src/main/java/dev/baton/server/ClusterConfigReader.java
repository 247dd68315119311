package dev.baton.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.error.BatonException;
import dev.baton.core.workflow.DurationFormat;
import dev.baton.gateway.config.ConfigTree;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the {@code cluster:} section of {@code baton.yaml} and its {@code BATON_*} variables into
 * {@link ClusterSettings}. Strict like the other sections: an unknown key (with a "did you mean"), a wrong type or
 * an out-of-range value fails with {@link BatonException} {@code INVALID_INPUT} naming the exact path
 * ({@code cluster.leaseTtl}). A variable wins over the file; its errors name the setting and the variable.
 *
 * <pre>{@code
 * cluster:
 *   nodeId: baton-1          # default <host>-<pid>-<4 hex digits>, new at every start
 *   leaseTtl: 15s            # a silent node's runs move to others after this
 *   heartbeatInterval: 5s    # default min(5s, leaseTtl / 3); at most leaseTtl / 3
 *   pollInterval: 1s         # fallback look for work when no NOTIFY arrived
 *   claimBatch: 32           # runs claimed per statement
 *   drainTimeout: 30s        # graceful shutdown: how long running runs may finish before they are handed back
 * }</pre>
 *
 * <p>The settings only matter when the store is PostgreSQL (cluster mode); the node id is used on every node
 * (health, logs, metrics). Stateless; thread-safe.
 */
public final class ClusterConfigReader {
    /** The section's name in {@code baton.yaml}. */
    public static final String SECTION = "cluster";
    /** The variables read, in the order of {@link #read}'s settings. */
    public static final List<String> ENVIRONMENT = List.of("BATON_NODE_ID", "BATON_CLUSTER_LEASE_TTL",
            "BATON_CLUSTER_HEARTBEAT_INTERVAL", "BATON_CLUSTER_POLL_INTERVAL", "BATON_CLUSTER_CLAIM_BATCH",
            "BATON_CLUSTER_DRAIN_TIMEOUT");
    private static final Set<String> KEYS = Set.of("nodeId", "leaseTtl", "heartbeatInterval", "pollInterval",
            "claimBatch", "drainTimeout");
    /** Longest default heartbeat; shorter when a third of the lease is shorter. */
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    private ClusterConfigReader() {
    }

    /**
     * Reads the section and the variables.
     *
     * @param section the section's tree, or {@code null}/missing for the defaults ({@link ClusterSettings#defaults()})
     * @param env     the environment (only the {@link #ENVIRONMENT} variables are read)
     * @throws BatonException INVALID_INPUT naming the setting
     */
    public static ClusterSettings read(JsonNode section, Map<String, String> env) {
        ConfigTree tree = new ConfigTree(SECTION, section).fields(KEYS);
        ClusterSettings defaults = ClusterSettings.defaults("defaults");
        String nodeId = fromEnv(env, "BATON_NODE_ID", "cluster.nodeId", Function.identity(),
                tree.get("nodeId").text(null));
        Duration leaseTtl = fromEnv(env, "BATON_CLUSTER_LEASE_TTL", "cluster.leaseTtl", DurationFormat::parse,
                tree.get("leaseTtl").duration(defaults.leaseTtl()));
        Duration heartbeatDefault = min(DEFAULT_HEARTBEAT, leaseTtl.dividedBy(3));
        Duration heartbeat = fromEnv(env, "BATON_CLUSTER_HEARTBEAT_INTERVAL", "cluster.heartbeatInterval",
                DurationFormat::parse, tree.get("heartbeatInterval").duration(heartbeatDefault));
        Duration poll = fromEnv(env, "BATON_CLUSTER_POLL_INTERVAL", "cluster.pollInterval", DurationFormat::parse,
                tree.get("pollInterval").duration(defaults.pollInterval()));
        int claimBatch = fromEnv(env, "BATON_CLUSTER_CLAIM_BATCH", "cluster.claimBatch", Integer::parseInt,
                (int) tree.get("claimBatch").integer(defaults.claimBatch(), Integer.MIN_VALUE, Integer.MAX_VALUE));
        Duration drain = fromEnv(env, "BATON_CLUSTER_DRAIN_TIMEOUT", "cluster.drainTimeout", DurationFormat::parse,
                tree.get("drainTimeout").duration(defaults.drainTimeout()));
        try {
            return new ClusterSettings(nodeId == null ? ClusterSettings.defaultNodeId() : nodeId, leaseTtl,
                    heartbeat, poll, claimBatch, drain);
        } catch (IllegalArgumentException e) {
            // ClusterSettings names the setting first: "cluster.leaseTtl must be between ..."
            String message = e.getMessage();
            int space = message.indexOf(' ');
            String setting = space > 0 && message.startsWith(SECTION + ".") ? message.substring(0, space) : SECTION;
            throw ConfigTree.invalid(setting, space > 0 ? message.substring(space + 1) : message);
        }
    }

    private static <T> T fromEnv(Map<String, String> env, String variable, String setting, Function<String, T> parse,
                                 T fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parse.apply(value.strip());
        } catch (IllegalArgumentException e) {
            throw ConfigTree.invalid(setting, "cannot read " + variable + "='" + value + "': "
                    + (e instanceof NumberFormatException ? "must be a whole number" : e.getMessage()));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
