package dev.baton.server;

import dev.baton.ai.EmbeddingModel;
import dev.baton.ai.ModelState;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunAnalytics;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.InMemoryWorkflowStore;
import dev.baton.core.workflow.WorkflowCatalog;
import dev.baton.gateway.admin.BreakerState;
import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.gateway.admin.GatewayAdmin;
import dev.baton.gateway.admin.HealthState;
import dev.baton.gateway.usage.InMemoryUsageStore;
import dev.baton.store.jdbc.SchemaStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detailed health's rules, with fakes where the real parts cannot be put in the state under test: a schema
 * behind the build's migrations, a model still loading or failed, deployments failing.
 */
class NodeHealthTest {
    private static final Instant NOW = Instant.parse("2026-11-21T04:00:00Z");
    private final LocalEngine engine = LocalEngine.builder(new InMemoryRunStore(),
            new WorkflowCatalog(new InMemoryWorkflowStore(), StepRegistry.of(List.of())),
            StepRegistry.of(List.of())).build();
    private final AtomicReference<SchemaStatus> schema = new AtomicReference<>(new SchemaStatus("3", "3"));
    private final InMemoryRunStore runs = new InMemoryRunStore();
    private final NodeStores stores = new NodeStores(runs, new InMemoryWorkflowStore(), new InMemoryUsageStore(),
            new InMemoryRunAnalytics(runs), "h2", "h2 jdbc:h2:file:/data/baton", schema::get, () -> { });

    @AfterEach
    void close() {
        engine.close();
    }

    private HealthReport report(EmbeddingModel model, List<DeploymentStatus> deployments) {
        return new NodeHealth(stores, "default", model, engine, BatonConfig.Engine.DEFAULT, new FixedAdmin(deployments),
                InstantSource.fixed(NOW)).report();
    }

    @Test
    void a_node_whose_parts_all_work_is_up() {
        HealthReport report = report(new FakeModel(ModelState.READY), List.of(deployment("a", true,
                HealthState.HEALTHY, BreakerState.CLOSED)));

        assertThat(report.status()).isEqualTo(HealthStatus.UP);
        assertThat(report.checkedAt()).isEqualTo(NOW);
        assertThat(report.store().schemaVersion()).isEqualTo("3");
        assertThat(report.embeddingModel().state()).isEqualTo("ready");
        assertThat(report.gateway().deployments()).extracting(HealthReport.GatewayHealth.Deployment::id)
                .containsExactly("a");
    }

    @Test
    void a_schema_behind_the_build_is_down_though_reachable() {
        schema.set(new SchemaStatus("2", "3"));

        HealthReport report = report(null, List.of());

        assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(report.store().reachable()).isTrue();
        assertThat(report.store().status()).isEqualTo(HealthStatus.DOWN);
        assertThat(report.store().detail()).contains("version 2", "needs 3", "migrations not done");
        assertThat(report.detail()).contains("migrations not done");
    }

    @Test
    void a_model_still_loading_or_failed_is_down_and_a_disabled_one_is_up() {
        assertThat(report(new FakeModel(ModelState.LOADING), List.of()).status()).isEqualTo(HealthStatus.DOWN);
        HealthReport failed = report(new FakeModel(ModelState.FAILED), List.of());
        assertThat(failed.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(failed.embeddingModel().detail()).contains("failed to load");
        assertThat(report(null, List.of()).embeddingModel().state()).isEqualTo("disabled");
        assertThat(report(null, List.of()).status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void an_enabled_failing_deployment_degrades_the_node_and_a_disabled_one_does_not() {
        assertThat(report(null, List.of(deployment("a", true, HealthState.UNHEALTHY, BreakerState.OPEN))).status())
                .isEqualTo(HealthStatus.DEGRADED);
        assertThat(report(null, List.of(deployment("a", true, HealthState.DEGRADED, BreakerState.CLOSED))).status())
                .isEqualTo(HealthStatus.DEGRADED);
        assertThat(report(null, List.of(deployment("a", false, HealthState.UNHEALTHY, BreakerState.OPEN))).status())
                .isEqualTo(HealthStatus.UP);
        assertThat(report(null, List.of(deployment("a", true, HealthState.UNKNOWN, BreakerState.CLOSED))).status())
                .isEqualTo(HealthStatus.UP);
    }

    @Test
    void the_worst_status_wins() {
        assertThat(HealthStatus.UP.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(HealthStatus.DOWN.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DOWN);
        assertThat(HealthStatus.DEGRADED.worst(HealthStatus.UP)).isEqualTo(HealthStatus.DEGRADED);
    }

    private static DeploymentStatus deployment(String id, boolean enabled, HealthState health, BreakerState breaker) {
        return new DeploymentStatus(id, "fast", "openai", "gpt", enabled, breaker, health, 50.0, 0, 12.5, 10, 5,
                List.of());
    }

    private record FixedAdmin(List<DeploymentStatus> deployments) implements GatewayAdmin {
        @Override
        public DeploymentStatus deployment(String id) {
            return deployments.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
        }

        @Override
        public DeploymentStatus setEnabled(String id, boolean enabled) {
            throw new UnsupportedOperationException("read-only in this test");
        }
    }

    private record FakeModel(ModelState state) implements EmbeddingModel {
        @Override
        public String name() {
            return "fake-model";
        }

        @Override
        public int dimensions() {
            return 4;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            throw new UnsupportedOperationException("not embedded in this test");
        }

        @Override
        public void awaitReady(Duration timeout) {
            throw new UnsupportedOperationException("not awaited in this test");
        }
    }
}
