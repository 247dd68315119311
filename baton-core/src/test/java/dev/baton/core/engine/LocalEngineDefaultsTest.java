package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalEngineDefaultsTest {
    private static final Workflow SHORT_NAP = new WorkflowParser().parse("""
            id: short-nap
            steps:
              nap: {uses: sleep, with: {duration: 10ms}}
              done: {uses: transform, needs: [nap], with: {value: "{{ steps.nap.output.until }}"}}
            """, "short-nap.yaml").withVersion(1);

    @Test
    void with_only_the_required_parts_it_runs_on_the_system_clock() throws Exception {
        try (LocalEngine engine = LocalEngine.builder(new InMemoryRunStore(), (tenant, id, version) -> SHORT_NAP,
                StepRegistry.of(List.of())).build()) {
            Run run = engine.start(StartRequest.of("default", "short-nap", null));

            RunView view = engine.await("default", run.id(), Duration.ofSeconds(30));

            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(view.run().outputs().path("done").asText()).isEqualTo(view.run().outputs().at("/nap/until").asText());
        }
    }

    @Test
    void await_returns_the_current_view_when_the_run_is_not_done_in_time() throws Exception {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = new EngineFixture(gate)) {
            fixture.register("watched");
            Run run = fixture.start("watched");

            RunView view = fixture.engine.await(EngineFixture.TENANT, run.id(), Duration.ZERO);

            assertThat(view.run().status().isTerminal()).isFalse();
            gate.release(1);
            assertThat(fixture.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void a_closed_engine_refuses_new_runs_and_unknown_runs_are_not_found() {
        LocalEngine engine = LocalEngine.builder(new InMemoryRunStore(), (tenant, id, version) -> SHORT_NAP,
                StepRegistry.of(List.of())).build();
        assertThatThrownBy(() -> engine.completion("default", "no-such-run"))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> engine.cancel("default", "no-such-run", null))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        engine.close();

        assertThatThrownBy(() -> engine.start(StartRequest.of("default", "short-nap", null)))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY));
    }

    @Test
    void configuration_values_are_validated_with_a_message_naming_the_value() {
        assertThatThrownBy(() -> EngineConfig.DEFAULT.withMaxRunningRuns(0))
                .hasMessageContaining("maxRunningRuns").hasMessageContaining("got 0");
        assertThatThrownBy(() -> EngineConfig.DEFAULT.withStepTypeLimits(java.util.Map.of("http", -1)))
                .hasMessageContaining("stepTypeLimits.http");
    }
}
