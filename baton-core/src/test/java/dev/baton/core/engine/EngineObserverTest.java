package dev.baton.core.engine;

import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What an {@link EngineObserver} is told, in which order and how often, for each way a run and a step can go. */
class EngineObserverTest {
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private final TestHandlers.Flaky flaky = new TestHandlers.Flaky("flaky", 2, TestHandlers.retriable("503"));
    private final TestHandlers.Broken broken = new TestHandlers.Broken("broken");
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final RecordingObserver observer = new RecordingObserver();
    private EngineFixture fixture = new EngineFixture(echo, flaky, broken, gate).observe(observer);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void a_successful_run_is_queued_started_and_finished_around_one_observed_attempt_per_step() {
        fixture.register("observed-chain");
        Run run = fixture.start("observed-chain");
        fixture.finish(run);

        assertThat(observer.lines).containsExactly(
                "queued observed-chain", "started observed-chain",
                "attempt a#1 echo", "enter a#1", "exit a#1", "end a#1 SUCCEEDED",
                "attempt b#1 echo", "enter b#1", "exit b#1", "end b#1 SUCCEEDED",
                "attempt c#1 transform", "end c#1 SUCCEEDED",
                "finished observed-chain SUCCEEDED");
        Run finished = observer.finished.getFirst();
        assertThat(finished).isEqualTo(fixture.view(run).run());
        assertThat(observer.started.getFirst().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(observer.attempts).allSatisfy(a -> {
            assertThat(a.run().id()).isEqualTo(run.id());
            assertThat(a.run().status()).isEqualTo(RunStatus.RUNNING);
            assertThat(a.startedAt()).isEqualTo(EngineFixture.T0);
        });
    }

    @Test
    void each_retry_is_an_attempt_of_its_own_started_at_its_journaled_time() {
        fixture.register("flaky");
        Run run = fixture.start("flaky");
        fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(2));
        fixture.finish(run);

        assertThat(observer.lines("attempt")).containsExactly(
                "attempt call#1 flaky", "attempt call#2 flaky", "attempt call#3 flaky");
        assertThat(observer.lines("end")).containsExactly("end call#1 FAILED upstream-unavailable",
                "end call#2 FAILED upstream-unavailable", "end call#3 SUCCEEDED");
        assertThat(observer.attempts).extracting(AttemptInfo::startedAt).containsExactly(EngineFixture.T0,
                EngineFixture.T0.plusSeconds(1), EngineFixture.T0.plusSeconds(3));
        assertThat(observer.finishedAt.get("call#2")).isEqualTo(EngineFixture.T0.plusSeconds(1));
        assertThat(observer.lines("finished")).containsExactly("finished flaky SUCCEEDED");
    }

    @Test
    void a_timed_out_attempt_ends_timed_out_and_its_scope_is_closed_when_the_handler_gives_up() {
        fixture.register("slow");
        Run run = fixture.start("slow");
        EngineFixture.eventually("first attempt running", () -> gate.inside.get() == 1);
        fixture.advanceWhenTimers(1, Duration.ofSeconds(5));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
        EngineFixture.eventually("second attempt running", () -> gate.entered.size() == 2);
        fixture.advanceWhenTimers(1, Duration.ofSeconds(5));
        fixture.finish(run);

        assertThat(observer.lines("end")).containsExactly("end call#1 TIMED_OUT timeout", "end call#2 TIMED_OUT timeout");
        assertThat(observer.finishedAt.get("call#1")).isEqualTo(EngineFixture.T0.plusSeconds(5));
        assertThat(observer.lines("finished")).containsExactly("finished slow FAILED");
        EngineFixture.eventually("both scopes closed", () -> observer.exitedOn.size() == 2);
        assertThat(observer.exitedOn).isEqualTo(observer.enteredOn);
    }

    @Test
    void a_failed_step_with_on_error_continue_is_observed_failed_and_the_run_goes_on() {
        fixture.register("partial");
        fixture.finish(fixture.start("partial"));

        assertThat(observer.lines("end")).containsExactly("end bad#1 FAILED step-failed", "end good#1 SUCCEEDED");
        assertThat(observer.lines("finished")).containsExactly("finished partial SUCCEEDED");
    }

    @Test
    void a_failed_step_ends_the_run_and_its_dependents_are_never_observed() {
        fixture.register("fails");
        fixture.finish(fixture.start("fails"));

        assertThat(observer.lines("attempt")).containsExactly("attempt bad#1 broken");
        assertThat(observer.lines("end")).containsExactly("end bad#1 FAILED step-failed");
        assertThat(observer.finished).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.FAILED);
            assertThat(r.error().code()).isEqualTo("step-failed");
        });
    }

    @Test
    void cancelling_a_run_mid_step_ends_the_attempt_cancelled() {
        fixture.register("watched");
        Run run = fixture.start("watched");
        EngineFixture.eventually("a running", () -> gate.inside.get() == 1);

        fixture.engine.cancel(EngineFixture.TENANT, run.id(), "stop");
        fixture.finish(run);

        assertThat(observer.lines("end")).containsExactly("end a#1 CANCELLED cancelled");
        assertThat(observer.lines("finished")).containsExactly("finished watched CANCELLED");
        EngineFixture.eventually("scope closed", () -> observer.exitedOn.containsKey("a#1"));
        assertThat(observer.exitedOn.get("a#1")).isSameAs(observer.enteredOn.get("a#1"));
    }

    @Test
    void every_map_item_is_an_attempt_named_after_its_index_inside_the_map_attempt() {
        fixture.register("observed-map");
        fixture.finish(fixture.start("observed-map", "{words: [x, y, z]}"));

        assertThat(observer.lines("attempt")).containsExactly("attempt each#1 map",
                "attempt each[0]#1 echo", "attempt each[1]#1 echo", "attempt each[2]#1 echo");
        assertThat(observer.lines("end")).containsExactly("end each[0]#1 SUCCEEDED", "end each[1]#1 SUCCEEDED",
                "end each[2]#1 SUCCEEDED", "end each#1 SUCCEEDED");
        assertThat(observer.lines("enter")).containsExactly("enter each[0]#1", "enter each[1]#1", "enter each[2]#1");
    }

    @Test
    void a_skipped_step_is_one_observation_ending_skipped_and_never_entered() {
        fixture.register("cond");
        fixture.finish(fixture.start("cond", "{enabled: false}"));

        assertThat(observer.lines).containsExactly("queued cond", "started cond",
                "attempt maybe#1 echo", "end maybe#1 SKIPPED",
                "attempt after#1 transform", "end after#1 SUCCEEDED",
                "finished cond SUCCEEDED");
    }

    @Test
    void queue_wait_is_measured_by_the_engine_clock_and_a_run_cancelled_in_the_queue_never_starts() {
        fixture.close();
        fixture = new EngineFixture(EngineConfig.DEFAULT.withMaxRunningRuns(1), gate).observe(observer);
        fixture.register("one");
        Run first = fixture.start("one", "{name: first}");
        EngineFixture.eventually("first running", () -> gate.inside.get() == 1);
        Run second = fixture.start("one", "{name: second}");
        Run third = fixture.start("one", "{name: third}");
        fixture.engine.cancel(EngineFixture.TENANT, third.id(), "not needed");
        fixture.clock.advance(Duration.ofSeconds(5));

        gate.release(2);
        fixture.finish(first);
        fixture.finish(second);

        assertThat(observer.queued).extracting(Run::id).containsExactly(first.id(), second.id(), third.id());
        assertThat(observer.started).extracting(Run::id).containsExactly(first.id(), second.id());
        assertThat(observer.queueWaits).containsExactly(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(observer.finished).extracting(Run::id, Run::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(first.id(), RunStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple(second.id(), RunStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple(third.id(), RunStatus.CANCELLED));
    }

    @Test
    void after_a_crash_the_run_is_not_started_again_and_the_interrupted_attempt_is_retried_and_observed() {
        fixture.register("resume-three");
        Run run = fixture.start("resume-three");
        EngineFixture.eventually("b running", () -> gate.inside.get() == 1);

        fixture.restart();
        EngineFixture.eventually("b retried", () -> gate.entered.size() == 2);
        gate.release(1);
        fixture.finish(run);

        assertThat(observer.lines("queued")).hasSize(1);
        assertThat(observer.lines("started")).hasSize(1);
        assertThat(observer.lines("attempt")).containsExactly("attempt a#1 echo", "attempt b#1 gate",
                "attempt b#2 gate", "attempt c#1 echo");
        assertThat(observer.lines("end")).containsExactly("end a#1 SUCCEEDED", "end b#1 FAILED interrupted",
                "end b#2 SUCCEEDED", "end c#1 SUCCEEDED");
        assertThat(observer.lines("finished")).containsExactly("finished resume-three SUCCEEDED");
    }

    @Test
    void a_sleep_re_attached_after_a_crash_is_observed_again_from_its_journaled_start() {
        fixture.register("resume-nap");
        Run run = fixture.start("resume-nap");
        fixture.advanceWhenTimers(1, Duration.ofSeconds(40));

        fixture.restart();
        EngineFixture.eventually("sleep re-armed", () -> fixture.clock.pendingTimers() == 1);
        fixture.clock.advance(Duration.ofSeconds(20));
        fixture.finish(run);

        assertThat(observer.lines("end")).startsWith("end nap#1 FAILED interrupted", "end nap#1 SUCCEEDED");
        assertThat(observer.attempts).filteredOn(a -> a.stepId().equals("nap")).extracting(AttemptInfo::startedAt)
                .containsExactly(EngineFixture.T0, EngineFixture.T0);
        assertThat(observer.lines("started")).hasSize(1);
        assertThat(observer.lines("finished")).containsExactly("finished resume-nap SUCCEEDED");
    }
}
