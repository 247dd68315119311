package dev.baton.server;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.core.engine.EngineObserver;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.gateway.usage.InMemoryUsageStore;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.LogSettings;
import dev.baton.observability.MetricsSettings;
import dev.baton.observability.ObservabilityConfig;
import dev.baton.observability.SystemSettings;
import dev.baton.observability.TracingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NodeObservability}: which engine observers a node's {@code observability:} settings attach. */
class NodeObservabilityTest {
    private static final String LOCAL = "bge-small-en-v1.5";
    private static final SystemSettings NO_HOST = new SystemSettings(false, Duration.ofSeconds(10),
            Duration.ofHours(1));

    @TempDir
    Path dataDir;

    private EngineObserver attached(ObservabilityConfig config) throws Exception {
        NodeGateway gateway = GatewayStack.assemble(GatewayConfig.EMPTY, LOCAL, new EmbeddingModelRegistry(LOCAL),
                new InMemoryUsageStore(), Map.of(), InstantSource.system());
        try (NodeObservability observability = NodeObservability.start(config, Map.of())) {
            return observability.attach(dataDir, gateway, Map.of(), InstantSource.system());
        } finally {
            gateway.closer().close();
        }
    }

    private static AlertSettings alerts(boolean enabled) {
        AlertSettings d = AlertSettings.DEFAULT;
        return new AlertSettings(enabled, d.cpu(), d.memory(), d.disk(), d.runErrorRate(), d.deploymentUnhealthy(),
                d.queueWait(), d.keepResolved(), null);
    }

    @Test
    void with_metrics_tracing_and_alerts_off_the_engine_observes_nothing() throws Exception {
        ObservabilityConfig off = new ObservabilityConfig(new MetricsSettings(false, 200), TracingSettings.DEFAULT,
                LogSettings.DEFAULT, NO_HOST, alerts(false));

        assertThat(attached(off)).isSameAs(EngineObserver.NONE);
    }

    @Test
    void with_the_run_rules_on_the_engine_is_observed() throws Exception {
        ObservabilityConfig alertsOnly = new ObservabilityConfig(new MetricsSettings(false, 200),
                TracingSettings.DEFAULT, LogSettings.DEFAULT, NO_HOST, alerts(true));

        assertThat(attached(alertsOnly)).isNotSameAs(EngineObserver.NONE);
    }
}
