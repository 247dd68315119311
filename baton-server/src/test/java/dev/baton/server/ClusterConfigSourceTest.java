package dev.baton.server;

import dev.baton.core.cluster.ClusterSettings;
import dev.baton.core.engine.LoadShedding;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scale-out settings: {@code cluster:}, {@code engine.loadShedding}, {@code store.connectionTimeout}. */
class ClusterConfigSourceTest {
    @TempDir
    Path dir;

    private BatonConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("baton.yaml");
        Files.writeString(file, yaml);
        return ConfigSource.load(file, env);
    }

    private static String field(BatonException e) {
        return e.errors().stream().map(FieldError::field).findFirst().orElse("");
    }

    @Test
    void defaults_give_a_fresh_node_id_and_the_default_cluster_settings() {
        BatonConfig config = ConfigSource.load(null, Map.of());
        ClusterSettings defaults = ClusterSettings.defaults("x");
        assertThat(config.cluster().nodeId()).matches("[A-Za-z0-9._:-]{1,64}");
        assertThat(config.cluster().withNodeId("x")).isEqualTo(defaults);
        assertThat(config.engine().loadShedding()).isEqualTo(LoadShedding.DEFAULT);
        assertThat(config.store().connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.clustered()).isFalse();
        assertThat(ConfigSource.load(null, Map.of()).cluster().nodeId())
                .as("a node id is new at every start").isNotEqualTo(config.cluster().nodeId());
    }

    @Test
    void reads_the_cluster_section_the_load_shedding_and_the_connection_timeout() throws IOException {
        BatonConfig config = load("""
                store:
                  url: jdbc:postgresql://db:5432/baton
                  connectionTimeout: 2s
                engine:
                  loadShedding: {queueDepth: 500, minPriority: 5}
                cluster:
                  nodeId: baton-1
                  leaseTtl: 9s
                  pollInterval: 250ms
                  claimBatch: 8
                  drainTimeout: 1m
                """, Map.of());
        assertThat(config.clustered()).isTrue();
        assertThat(config.store().connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.engine().loadShedding()).isEqualTo(new LoadShedding(500, 5));
        assertThat(config.cluster()).isEqualTo(new ClusterSettings("baton-1", Duration.ofSeconds(9),
                Duration.ofSeconds(3), Duration.ofMillis(250), 8, Duration.ofMinutes(1)));
    }

    @Test
    void environment_variables_win_over_the_file() throws IOException {
        BatonConfig config = load("""
                cluster: {nodeId: from-file, leaseTtl: 30s}
                engine: {loadShedding: {queueDepth: 10}}
                """, Map.of("BATON_NODE_ID", "from-env", "BATON_CLUSTER_LEASE_TTL", "12s",
                "BATON_CLUSTER_HEARTBEAT_INTERVAL", "1s", "BATON_CLUSTER_POLL_INTERVAL", "2s",
                "BATON_CLUSTER_CLAIM_BATCH", "4", "BATON_CLUSTER_DRAIN_TIMEOUT", "0s",
                "BATON_ENGINE_LOAD_SHEDDING_QUEUE_DEPTH", "20", "BATON_ENGINE_LOAD_SHEDDING_MIN_PRIORITY", "-3",
                "BATON_STORE_CONNECTION_TIMEOUT", "750ms"));
        assertThat(config.cluster()).isEqualTo(new ClusterSettings("from-env", Duration.ofSeconds(12),
                Duration.ofSeconds(1), Duration.ofSeconds(2), 4, Duration.ZERO));
        assertThat(config.engine().loadShedding()).isEqualTo(new LoadShedding(20, -3));
        assertThat(config.store().connectionTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(ConfigSource.ENVIRONMENT).containsAll(ClusterConfigReader.ENVIRONMENT)
                .contains("BATON_STORE_CONNECTION_TIMEOUT", "BATON_ENGINE_LOAD_SHEDDING_QUEUE_DEPTH",
                        "BATON_ENGINE_LOAD_SHEDDING_MIN_PRIORITY");
    }

    @Test
    void an_unknown_cluster_key_is_named_with_a_suggestion() {
        assertThatThrownBy(() -> load("cluster: {leaseTTL: 10s, nodeid: a}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(field(e)).isIn("cluster.leaseTTL", "cluster.nodeid");
                    assertThat(e.getMessage()).contains("did you mean");
                });
        assertThatThrownBy(() -> load("engine: {loadShedding: {queueDeph: 10}}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(field(e)).isEqualTo("engine.loadShedding.queueDeph");
                    assertThat(e.getMessage()).contains("did you mean 'queueDepth'?");
                });
        assertThatThrownBy(() -> load("clustr: {}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(field(e)).isEqualTo("clustr");
                    assertThat(e.getMessage()).contains("did you mean 'cluster'?");
                });
    }

    @Test
    void bad_values_name_the_setting() {
        assertThatThrownBy(() -> load("cluster: {leaseTtl: 2h}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(field(e)).isEqualTo("cluster.leaseTtl"));
        assertThatThrownBy(() -> load("cluster: {leaseTtl: 15}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(field(e)).isEqualTo("cluster.leaseTtl");
                    assertThat(e.getMessage()).contains("duration");
                });
        assertThatThrownBy(() -> load("cluster: {leaseTtl: 6s, heartbeatInterval: 3s}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(field(e)).isEqualTo("cluster.heartbeatInterval"));
        assertThatThrownBy(() -> load("cluster: {nodeId: 'has space'}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(field(e)).isEqualTo("cluster.nodeId"));
        assertThatThrownBy(() -> load("cluster: {claimBatch: 0}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(field(e)).isEqualTo("cluster.claimBatch"));
        assertThatThrownBy(() -> load("", Map.of("BATON_CLUSTER_DRAIN_TIMEOUT", "soon")))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(field(e)).isEqualTo("cluster.drainTimeout");
                    assertThat(e.getMessage()).contains("BATON_CLUSTER_DRAIN_TIMEOUT");
                });
        assertThatThrownBy(() -> load("engine: {loadShedding: {minPriority: 101}}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(field(e)).isEqualTo("engine.loadShedding.minPriority"));
        assertThatThrownBy(() -> load("engine: {loadShedding: {queueDepth: 0}}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(field(e)).isEqualTo("engine.loadShedding.queueDepth"));
        assertThatThrownBy(() -> load("store: {connectionTimeout: 10ms}\n", Map.of()))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(field(e)).isEqualTo("store.connectionTimeout"));
    }
}
