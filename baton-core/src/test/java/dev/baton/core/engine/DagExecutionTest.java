package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DagExecutionTest {
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private final TestHandlers.Broken broken = new TestHandlers.Broken("broken");
    private final EngineFixture fixture = new EngineFixture(gate, echo, broken);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void independent_steps_run_in_parallel() {
        fixture.register("fan");
        Run run = fixture.start("fan");

        EngineFixture.eventually("all three inside the handler at once", () -> gate.inside.get() == 3);
        gate.release(3);

        assertThat(fixture.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(gate.maxInside.get()).isEqualTo(3);
    }

    @Test
    void dependent_steps_start_after_their_dependencies_and_see_their_outputs() {
        fixture.register("chain");
        Run run = fixture.start("chain", "{name: baton}");

        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(echo.calls).containsExactly("first#1", "second#1", "third#1");
        assertThat(view.run().outputs().path("greeting").asText()).isEqualTo("baton!");
        assertThat(view.run().outputs().path("status").asText()).isEqualTo("succeeded");
        assertThat(view.run().workflowId()).isEqualTo("chain");
        assertThat(view.run().workflowVersion()).isEqualTo(1);
        assertThat(view.attempts()).extracting(StepAttempt::status).containsOnly(AttemptStatus.SUCCEEDED);
        assertThat(view.attempts().getFirst().input().path("value").asText()).isEqualTo("baton");
    }

    @Test
    void without_output_expressions_the_outputs_are_every_steps_output_by_id() {
        fixture.register("plain");

        RunView view = fixture.finish(fixture.start("plain", "{n: 21}"));

        assertThat(view.run().outputs().path("a").asInt()).isEqualTo(42);
    }

    @Test
    void a_false_if_skips_the_step_and_dependents_still_run_and_see_it_skipped() {
        fixture.register("cond");

        RunView view = fixture.finish(fixture.start("cond", "{enabled: false}"));

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(echo.calls).isEmpty();
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("maybe"))
                .singleElement().extracting(StepAttempt::status).isEqualTo(AttemptStatus.SKIPPED);
        assertThat(view.run().outputs().at("/after/status").asText()).isEqualTo("skipped");
        assertThat(view.run().outputs().at("/after/output").isNull()).isTrue();
    }

    @Test
    void only_the_exact_string_false_skips_the_step_other_spellings_are_truthy() {
        fixture.register("cond");

        RunView skipped = fixture.finish(fixture.start("cond", "{enabled: 'false'}"));
        RunView ran = fixture.finish(fixture.start("cond", "{enabled: 'FALSE'}"));

        assertThat(skipped.run().outputs().at("/after/status").asText()).isEqualTo("skipped");
        assertThat(ran.run().outputs().at("/after/status").asText()).isEqualTo("succeeded");
        assertThat(echo.calls).hasSize(1);
    }

    @Test
    void on_error_continue_records_the_error_and_the_run_still_succeeds() {
        fixture.register("partial");

        RunView view = fixture.finish(fixture.start("partial"));

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().path("bad").isNull()).isTrue();
        assertThat(view.run().outputs().at("/good/code").asText()).isEqualTo("step-failed");
        assertThat(view.run().outputs().at("/good/status").asText()).isEqualTo("failed");
        StepAttempt bad = view.attempts().stream().filter(a -> a.stepId().equals("bad")).findFirst().orElseThrow();
        assertThat(bad.error().retriable()).isFalse();
        assertThat(bad.error().message()).contains("boom in bad");
    }

    @Test
    void on_error_fail_fails_the_run_naming_the_step_and_pending_steps_never_start() {
        fixture.register("fails");

        RunView view = fixture.finish(fixture.start("fails"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().message()).contains("step 'bad' failed");
        assertThat(view.run().error().code()).isEqualTo("step-failed");
        assertThat(echo.calls).isEmpty();
    }

    @Test
    void a_failing_step_cancels_the_steps_still_running() {
        fixture.register("stop-others");
        Run run = fixture.start("stop-others");
        EngineFixture.eventually("slow step running", () -> gate.inside.get() == 1);
        fixture.advanceWhenTimers(1, java.time.Duration.ofSeconds(1));

        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("slow"))
                .singleElement().extracting(StepAttempt::status).isEqualTo(AttemptStatus.CANCELLED);
        EngineFixture.eventually("the handler was interrupted", () -> gate.interrupted.get() == 1);
    }

    @Test
    void an_output_expression_that_fails_fails_the_run_with_expression_failed() {
        fixture.register("bad-outputs");

        RunView view = fixture.finish(fixture.start("bad-outputs"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().code()).isEqualTo("expression-failed");
    }
}
