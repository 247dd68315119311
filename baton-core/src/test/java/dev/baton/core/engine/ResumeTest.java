package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ResumeTest {
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private EngineFixture fixture = new EngineFixture(gate, echo);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void after_a_crash_completed_steps_are_not_run_again_and_interrupted_ones_are_retried() {
        fixture.register("resume-three");
        Run run = fixture.start("resume-three");
        EngineFixture.eventually("b running", () -> gate.inside.get() == 1);

        fixture.restart();
        EngineFixture.eventually("b retried", () -> gate.entered.size() == 2);
        gate.release(1);
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(echo.invocations("a")).isEqualTo(1);
        assertThat(echo.invocations("c")).isEqualTo(1);
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("b"))
                .extracting(StepAttempt::attempt, StepAttempt::status)
                .containsExactly(Tuple.tuple(1, AttemptStatus.FAILED), Tuple.tuple(2, AttemptStatus.SUCCEEDED));
        StepAttempt interrupted = view.attempts().stream().filter(a -> a.stepId().equals("b")).findFirst().orElseThrow();
        assertThat(interrupted.error().code()).isEqualTo("interrupted");
        assertThat(interrupted.error().message()).contains("interrupted by restart");
        assertThat(view.run().outputs().at("/c/echo/value").asText()).isEqualTo("a");
    }

    @Test
    void queued_runs_are_admitted_again_after_a_restart() {
        fixture.close();
        fixture = new EngineFixture(EngineConfig.DEFAULT.withMaxRunningRuns(1), gate, echo);
        fixture.register("one");
        Run first = fixture.start("one", "{name: first}");
        Run second = fixture.start("one", "{name: second}");
        EngineFixture.eventually("first running", () -> gate.inside.get() == 1);

        fixture.restart();
        gate.release(2);

        assertThat(fixture.finish(first).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fixture.finish(second).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(gate.enteredValues).containsExactly("first", "first", "second");
    }

    @Test
    void a_sleep_fires_at_its_original_instant_after_a_restart() {
        fixture.register("resume-nap");
        Run run = fixture.start("resume-nap");
        fixture.advanceWhenTimers(1, Duration.ofSeconds(40));

        fixture.restart();
        EngineFixture.eventually("sleep re-armed", () -> fixture.clock.pendingTimers() == 1);
        assertThat(fixture.clock.nextTimerDelay()).isEqualTo(Duration.ofSeconds(20));
        fixture.clock.advance(Duration.ofSeconds(20));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("nap")).singleElement()
                .satisfies(a -> assertThat(a.finishedAt()).isEqualTo(EngineFixture.T0.plusSeconds(60)));
        assertThat(echo.invocations("after")).isEqualTo(1);
    }

    @Test
    void a_resumed_parent_reattaches_to_its_child_run() {
        fixture.register("child-gate");
        fixture.register("parent-gate");
        Run run = fixture.start("parent-gate");
        EngineFixture.eventually("child step running", () -> gate.inside.get() == 1);

        fixture.restart();
        EngineFixture.eventually("child step retried", () -> gate.entered.size() == 2);
        gate.release(1);
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fixture.store.list(EngineFixture.TENANT, dev.baton.core.store.RunQuery.firstPage(10)).items())
                .hasSize(2);
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("call")).hasSize(1);
    }

    @Test
    void a_resumed_map_keeps_finished_items_and_retries_interrupted_ones() {
        fixture.register("resume-map");
        Run run = fixture.start("resume-map");
        EngineFixture.eventually("three items inside", () -> gate.inside.get() == 3);
        gate.release(1);
        EngineFixture.eventually("one item finished", () -> fixture.view(run).attempts().stream()
                .anyMatch(a -> a.stepId().startsWith("each[") && a.status() == AttemptStatus.SUCCEEDED));

        fixture.restart();
        EngineFixture.eventually("two items retried", () -> gate.entered.size() == 5);
        gate.release(2);
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().path("each")).extracting(n -> n.at("/echo/value").asText())
                .containsExactly("a", "b", "c");
        assertThat(view.attempts()).filteredOn(a -> a.status() == AttemptStatus.SUCCEEDED
                && a.stepId().startsWith("each[")).hasSize(3);
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("each")).hasSize(1);
    }

    @Test
    void a_cancellation_requested_before_a_crash_is_honoured_on_resume() {
        fixture.register("resume-three");
        Run run = fixture.start("resume-three");
        EngineFixture.eventually("b running", () -> gate.inside.get() == 1);
        fixture.engine.close();
        fixture.store.append(java.util.List.of(new dev.baton.core.run.JournalEntry.CancelRequested(run.id(),
                "requested just before the crash", fixture.clock.instant())));

        fixture.restart();
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(view.run().error().message()).contains("requested just before the crash");
        assertThat(echo.invocations("c")).isZero();
    }

    @Test
    void a_run_whose_failing_step_was_journaled_before_the_crash_ends_failed_on_resume() {
        fixture.register("resume-failed");
        fixture.engine.close();
        var now = fixture.clock.instant();
        Run run = fixture.store.create(new Run("crashed-run", EngineFixture.TENANT, "resume-failed", 1,
                RunStatus.QUEUED, 0, EngineFixture.json("{}"), null, null, null, null, null, now, null, null));
        fixture.store.append(java.util.List.of(
                new dev.baton.core.run.JournalEntry.RunStarted(run.id(), now),
                new dev.baton.core.run.JournalEntry.AttemptStarted(run.id(), "x", 1, null, now),
                new dev.baton.core.run.JournalEntry.AttemptFinished(run.id(), "x", 1, AttemptStatus.FAILED, null,
                        new dev.baton.core.run.StepError("upstream-rejected", "400 from upstream", false), now),
                new dev.baton.core.run.JournalEntry.AttemptStarted(run.id(), "y", 1, null, now)));

        fixture.restart();
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().message()).contains("step 'x' failed").contains("400 from upstream");
        assertThat(echo.calls).isEmpty();
        assertThat(gate.entered).isEmpty();
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("y")).singleElement()
                .satisfies(a -> assertThat(a.status().isTerminal()).isTrue());
    }
}
