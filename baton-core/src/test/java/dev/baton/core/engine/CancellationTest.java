package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class CancellationTest {
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private final EngineFixture fixture = new EngineFixture(gate, echo);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void cancel_interrupts_running_steps_and_pending_steps_never_start() {
        fixture.register("long");
        Run run = fixture.start("long");
        EngineFixture.eventually("step running", () -> gate.inside.get() == 1);

        fixture.engine.cancel(EngineFixture.TENANT, run.id(), "user asked");
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(view.run().error().code()).isEqualTo("cancelled");
        assertThat(view.run().error().message()).contains("user asked");
        assertThat(view.attempts()).singleElement().extracting(StepAttempt::status).isEqualTo(AttemptStatus.CANCELLED);
        assertThat(echo.calls).isEmpty();
        EngineFixture.eventually("handler interrupted", () -> gate.interrupted.get() == 1);
    }

    @Test
    void cancel_stops_a_pending_retry() {
        TestHandlers.Flaky down = new TestHandlers.Flaky("down", 100, TestHandlers.retriable("503"));
        try (EngineFixture own = new EngineFixture(down)) {
            own.register("retrying");
            Run run = own.start("retrying");
            EngineFixture.eventually("retry scheduled", () -> own.clock.pendingTimers() == 1);

            own.engine.cancel(EngineFixture.TENANT, run.id(), null);
            RunView view = own.finish(run);

            assertThat(view.run().status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(down.invocations("call")).isEqualTo(1);
            assertThat(own.clock.pendingTimers()).isZero();
        }
    }

    @Test
    void cancelling_a_finished_run_is_a_no_op() {
        fixture.register("quick");
        Run run = fixture.start("quick");
        fixture.finish(run);

        Run after = fixture.engine.cancel(EngineFixture.TENANT, run.id(), "too late");

        assertThat(after.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void subscribers_get_stored_events_then_live_ones_until_the_run_finishes() {
        fixture.register("watched");
        Run run = fixture.start("watched");
        EngineFixture.eventually("step running", () -> gate.inside.get() == 1);
        List<RunEvent> seen = new CopyOnWriteArrayList<>();

        Engine.Subscription subscription = fixture.engine.subscribe(EngineFixture.TENANT, run.id(), 0, seen::add);
        EngineFixture.eventually("replayed events", () -> seen.size() == 2);
        gate.release(1);
        fixture.finish(run);
        EngineFixture.eventually("live events", () -> seen.size() == 4);
        subscription.close();

        assertThat(seen).extracting(RunEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seen).extracting(e -> e.entry().getClass().getSimpleName())
                .containsExactly("RunStarted", "AttemptStarted", "AttemptFinished", "RunFinished");
        assertThat(((JournalEntry.RunFinished) seen.getLast().entry()).status()).isEqualTo(RunStatus.SUCCEEDED);
    }
}
