package dev.baton.core.engine;

import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FlowControlStepsTest {
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private final TestHandlers.Flaky flaky = new TestHandlers.Flaky("flaky", 1, TestHandlers.retriable("503"));
    private final TestHandlers.Broken broken = new TestHandlers.Broken("broken");
    private final EngineFixture fixture = new EngineFixture(gate, echo, flaky, broken);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void map_keeps_input_order_and_respects_its_concurrency_limit() {
        fixture.register("map");
        Run run = fixture.start("map", "{words: [a, b, c, d, e]}");

        for (int released = 0; released < 5; released++) {
            int expected = Math.min(2, 5 - released);
            EngineFixture.eventually(expected + " items inside", () -> gate.inside.get() == expected);
            gate.release(1);
            int done = released + 1;
            EngineFixture.eventually("item finished", () -> gate.calls.size() == done);
        }
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(gate.maxInside.get()).isEqualTo(2);
        assertThat(view.run().outputs().path("each")).extracting(n -> n.at("/echo/value").asText())
                .containsExactly("a-0", "b-1", "c-2", "d-3", "e-4");
        assertThat(view.attempts()).extracting(StepAttempt::stepId)
                .contains("each", "each[0]", "each[1]", "each[2]", "each[3]", "each[4]");
    }

    @Test
    void map_items_have_their_own_retries() {
        fixture.register("map-retry");
        Run run = fixture.start("map-retry");

        fixture.advanceWhenTimers(2, Duration.ofSeconds(1));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("each[1]"))
                .extracting(StepAttempt::attempt, StepAttempt::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, AttemptStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple(2, AttemptStatus.SUCCEEDED));
    }

    @Test
    void a_failed_map_item_fails_the_map_step() {
        fixture.register("map-fail");

        RunView view = fixture.finish(fixture.start("map-fail"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().message()).contains("step 'each' failed").contains("of map step 'each' failed");
        assertThat(view.attempts()).filteredOn(a -> a.stepId().equals("each")).singleElement()
                .extracting(StepAttempt::status).isEqualTo(AttemptStatus.FAILED);
    }

    @Test
    void a_map_item_with_on_error_continue_leaves_a_null_slot() {
        fixture.register("map-continue");

        RunView view = fixture.finish(fixture.start("map-continue"));

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().path("each").get(0).isNull()).isTrue();
    }

    @Test
    void map_rejects_items_that_are_not_a_list() {
        fixture.register("map-bad");

        RunView view = fixture.finish(fixture.start("map-bad"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().code()).isEqualTo("invalid-argument");
        assertThat(view.run().error().message()).contains("with.items");
    }

    @Test
    void a_workflow_step_runs_a_child_run_and_outputs_its_outputs() {
        fixture.register("child-double");
        fixture.register("parent-double");
        Run run = fixture.start("parent-double", "{n: 21}");

        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().at("/call/result").asInt()).isEqualTo(42);
        Run child = fixture.store.findByIdempotencyKey(EngineFixture.TENANT, run.id() + "/call").orElseThrow();
        assertThat(child.parentRunId()).isEqualTo(run.id());
        assertThat(child.parentStepId()).isEqualTo("call");
        assertThat(child.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void a_failed_child_run_fails_the_workflow_step_with_the_childs_error_code() {
        fixture.register("child-broken");
        fixture.register("parent-broken");

        RunView view = fixture.finish(fixture.start("parent-broken"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().code()).isEqualTo("step-failed");
        assertThat(view.run().error().message()).contains("child run").contains("step 'bad' failed");
    }

    @Test
    void map_over_a_workflow_starts_one_child_run_per_item_in_order() {
        fixture.register("child-upper");
        fixture.register("parent-map-workflow");
        Run run = fixture.start("parent-map-workflow", "{words: [x, y, z]}");

        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().path("each")).extracting(n -> n.path("text").asText())
                .containsExactly("x!", "y!", "z!");
        assertThat(fixture.store.findByIdempotencyKey(EngineFixture.TENANT, run.id() + "/each[2]")).isPresent();
    }

    @Test
    void a_workflow_that_calls_itself_fails_at_the_nesting_limit() {
        fixture.register("recursive");

        RunView view = fixture.finish(fixture.start("recursive"));

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(view.run().error().message()).contains("nested 16 deep").contains("call itself");
        assertThat(fixture.store.list(EngineFixture.TENANT, dev.baton.core.store.RunQuery.firstPage(100)).items())
                .hasSize(16);
    }

    @Test
    void cancelling_a_parent_cancels_its_child_run() {
        fixture.register("child-gate");
        fixture.register("parent-gate");
        Run run = fixture.start("parent-gate");
        EngineFixture.eventually("child step running", () -> gate.inside.get() == 1);

        fixture.engine.cancel(EngineFixture.TENANT, run.id(), "stop");
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.CANCELLED);
        Run child = fixture.store.findByIdempotencyKey(EngineFixture.TENANT, run.id() + "/call").orElseThrow();
        assertThat(fixture.finish(child).run().status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void sleep_waits_on_the_engine_clock_and_outputs_its_wake_up_instant() {
        fixture.register("nap");
        Run run = fixture.start("nap");

        EngineFixture.eventually("sleep timer armed", () -> fixture.clock.pendingTimers() == 1);
        fixture.clock.advance(Duration.ofSeconds(89));
        assertThat(echo.calls).isEmpty();
        fixture.clock.advance(Duration.ofSeconds(1));
        RunView view = fixture.finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().at("/nap/until").asText()).isEqualTo("2026-01-01T00:01:30Z");
        assertThat(view.attempts().getFirst().input().path("until").asText()).isEqualTo("2026-01-01T00:01:30Z");
    }
}
