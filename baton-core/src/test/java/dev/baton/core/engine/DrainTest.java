package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.baton.core.engine.EngineFixture.TENANT;
import static dev.baton.core.engine.EngineFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown of a single node: stop accepting, let runs finish within the bound, hand the rest back. */
class DrainTest {

    @Test
    void drain_refuses_new_runs_hands_back_unfinished_ones_and_the_next_start_resumes_them() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = new EngineFixture(EngineConfig.DEFAULT.withMaxRunningRuns(1), gate)) {
            fixture.register("one");
            Run running = fixture.start("one", "{name: running}");
            Run queued = fixture.start("one", "{name: queued}");
            eventually("the first run waits at the gate", () -> gate.inside.get() == 1);

            int handedBack = fixture.engine.drain(Duration.ZERO);

            assertThat(handedBack).isEqualTo(1);
            assertThat(fixture.engine.activeRuns()).isZero();
            assertThatThrownBy(() -> fixture.start("one", "{name: late}"))
                    .isInstanceOfSatisfying(BatonException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY));
            eventually("the handler was interrupted", () -> gate.interrupted.get() == 1);
            assertThat(fixture.view(queued).run().status()).as("not admitted while draining")
                    .isEqualTo(RunStatus.QUEUED);

            fixture.restart();
            gate.release(2);
            assertThat(fixture.finish(running).run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(fixture.finish(queued).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void drain_waits_for_runs_that_finish_within_the_timeout() throws Exception {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = new EngineFixture(gate)) {
            fixture.register("one");
            Run run = fixture.start("one", "{name: x}");
            eventually("the run waits at the gate", () -> gate.inside.get() == 1);
            var drained = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> fixture.engine.drain(Duration.ofSeconds(30)));

            gate.release(1);

            assertThat(drained.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(fixture.engine.get(TENANT, run.id()).orElseThrow().run().status())
                    .isEqualTo(RunStatus.SUCCEEDED);
        }
    }
}
