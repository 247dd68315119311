package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.workflow.RetryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAndTimeoutTest {
    private final TestHandlers.Flaky flaky = new TestHandlers.Flaky("flaky", 2, TestHandlers.retriable("503"));
    private final TestHandlers.Flaky down = new TestHandlers.Flaky("down", 100, TestHandlers.retriable("503"));
    private final TestHandlers.Flaky rejected = new TestHandlers.Flaky("rejected", 100, TestHandlers.rejected("400"));
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final EngineFixture fixture = new EngineFixture(flaky, down, rejected, gate);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void retries_retriable_errors_with_exponential_backoff_until_success() {
        fixture.register("flaky");
        Run run = fixture.start("flaky");

        fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(2));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fixture.clock.scheduledDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(view.attempts()).extracting(StepAttempt::attempt, StepAttempt::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, AttemptStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple(2, AttemptStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple(3, AttemptStatus.SUCCEEDED));
        assertThat(view.attempts().getFirst().error().retriable()).isTrue();
        assertThat(view.attempts().get(1).startedAt()).isEqualTo(EngineFixture.T0.plusSeconds(1));
    }

    @Test
    void retries_with_exponential_backoff_until_max_attempts() {
        fixture.register("down");
        Run run = fixture.start("down");

        fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(2));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(4));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(down.invocations("call")).isEqualTo(4);
        assertThat(fixture.clock.scheduledDelays())
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(view.run().error().code()).isEqualTo("upstream-unavailable");
        assertThat(view.run().error().message()).contains("step 'call' failed").contains("503");
    }

    @Test
    void jitter_comes_from_the_injected_random_generator() {
        fixture.register("jitter");
        Run run = fixture.start("jitter");

        fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(2));
        fixture.finish(run);

        RetryPolicy jittered = fixture.workflows.get("jitter").steps().get("call").retry();
        assertThat(jittered.jitter()).isEqualTo(0.5);
        SplittableRandom sameSeed = new SplittableRandom(42);
        List<Duration> expected = new ArrayList<>();
        expected.add(jittered.delayBefore(2, sameSeed));
        expected.add(jittered.delayBefore(3, sameSeed));
        assertThat(fixture.clock.scheduledDelays()).isEqualTo(expected);
        assertThat(expected.getFirst()).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void a_non_retriable_error_is_not_retried() {
        fixture.register("rejected");

        RunView view = fixture.finish(fixture.start("rejected"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(rejected.invocations("call")).isEqualTo(1);
        assertThat(view.attempts()).singleElement().satisfies(a -> {
            assertThat(a.error().code()).isEqualTo("upstream-rejected");
            assertThat(a.error().retriable()).isFalse();
        });
        assertThat(fixture.clock.scheduledDelays()).isEmpty();
    }

    @Test
    void an_attempt_that_exceeds_its_timeout_times_out_and_is_retried() {
        fixture.register("slow");
        Run run = fixture.start("slow");

        EngineFixture.eventually("first attempt running", () -> gate.inside.get() == 1);
        fixture.advanceWhenTimers(1, Duration.ofSeconds(5));
        fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
        EngineFixture.eventually("second attempt running", () -> gate.entered.size() == 2);
        gate.release(1);
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        StepAttempt first = view.attempts().getFirst();
        assertThat(first.status()).isEqualTo(AttemptStatus.TIMED_OUT);
        assertThat(first.error().code()).isEqualTo("timeout");
        assertThat(first.error().retriable()).isTrue();
        assertThat(first.finishedAt()).isEqualTo(EngineFixture.T0.plusSeconds(5));
        EngineFixture.eventually("the timed-out handler was interrupted", () -> gate.interrupted.get() == 1);
    }

    @Test
    void the_workflow_default_timeout_applies_to_steps_without_their_own() {
        fixture.register("default-timeout");
        Run run = fixture.start("default-timeout");

        EngineFixture.eventually("attempt running", () -> gate.inside.get() == 1);
        fixture.advanceWhenTimers(1, Duration.ofSeconds(3));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.attempts()).singleElement().extracting(StepAttempt::status).isEqualTo(AttemptStatus.TIMED_OUT);
    }

    @Test
    void a_run_that_exceeds_its_timeout_ends_timed_out_and_running_steps_are_interrupted() {
        fixture.register("run-timeout");
        Run run = fixture.start("run-timeout");

        EngineFixture.eventually("attempt running", () -> gate.inside.get() == 1);
        fixture.advanceWhenTimers(1, Duration.ofMinutes(1));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.TIMED_OUT);
        assertThat(view.run().error().code()).isEqualTo("timeout");
        assertThat(view.attempts()).singleElement().extracting(StepAttempt::status).isEqualTo(AttemptStatus.CANCELLED);
        assertThat(gate.entered).containsExactly("call");
        EngineFixture.eventually("the running handler was interrupted", () -> gate.interrupted.get() == 1);
    }
}
