package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.workflow.Workflow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A failing or unavailable store (or workflow catalog) never leaves a run's waiters hanging. */
class EngineFailureTest {

    private static Run startOne(LocalEngine engine, String name) {
        return engine.start(new StartRequest(EngineFixture.TENANT, "one", 0,
                EngineFixture.json("{name: " + name + "}"), 0, null));
    }

    @Test
    void waiters_get_the_final_view_from_the_journal_when_the_store_cannot_be_read() throws Exception {
        FaultyStore store = new FaultyStore();
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = new EngineFixture(store, EngineConfig.DEFAULT, gate)) {
            fixture.register("one");
            Run run = fixture.start("one", "{name: ada}");
            EngineFixture.eventually("step running", () -> gate.inside.get() == 1);
            CompletableFuture<RunView> completion = fixture.engine.completion(EngineFixture.TENANT, run.id());

            store.readsFail = true; // e.g. every pooled connection is busy when 10,000 runs end together
            gate.release(1);
            RunView view = completion.get(10, TimeUnit.SECONDS);
            store.readsFail = false;

            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(view.attempts()).singleElement().satisfies(attempt -> {
                assertThat(attempt.stepId()).isEqualTo("work");
                assertThat(attempt.status()).isEqualTo(AttemptStatus.SUCCEEDED);
            });
            // The view built from the journal is the one the store holds.
            assertThat(view).isEqualTo(fixture.view(run));
        }
    }

    @Test
    void a_run_finish_the_store_refuses_fails_the_waiters_instead_of_hanging() throws Exception {
        FaultyStore store = new FaultyStore();
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = new EngineFixture(store, EngineConfig.DEFAULT, gate)) {
            fixture.register("one");
            Run run = fixture.start("one", "{name: ada}");
            EngineFixture.eventually("step running", () -> gate.inside.get() == 1);
            CompletableFuture<RunView> completion = fixture.engine.completion(EngineFixture.TENANT, run.id());

            store.refuseRunFinished = true;
            gate.release(1);

            assertThatThrownBy(() -> completion.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(BatonException.class)
                    .hasMessageContaining("outputs too large");
            EngineFixture.eventually("run let go", () -> fixture.engine.activeRuns() == 0);
        }
    }

    @Test
    void a_queued_run_whose_workflow_cannot_be_loaded_when_admitted_fails_instead_of_hanging() throws Exception {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        Workflow one = EngineFixture.PARSER.parse("""
                id: one
                steps:
                  work: {uses: gate, with: {value: "{{ inputs.name }}"}}
                """, "one.yaml").withVersion(1);
        AtomicBoolean catalogBroken = new AtomicBoolean();
        try (LocalEngine engine = LocalEngine.builder(new FaultyStore(), (tenant, id, version) -> {
                    if (catalogBroken.get()) {
                        throw new IllegalStateException("catalog index corrupt");
                    }
                    return one;
                }, StepRegistry.of(List.of(gate)))
                .clock(new ManualEngineClock(EngineFixture.T0))
                .random(new SplittableRandom(1))
                .config(EngineConfig.DEFAULT.withMaxRunningRuns(1))
                .build()) {
            Run first = startOne(engine, "first");
            EngineFixture.eventually("first running", () -> gate.inside.get() == 1);
            Run queued = startOne(engine, "queued");
            assertThat(engine.queuedRuns()).isEqualTo(1);
            CompletableFuture<RunView> completion = engine.completion(EngineFixture.TENANT, queued.id());

            catalogBroken.set(true);
            gate.release(1);

            assertThat(engine.completion(EngineFixture.TENANT, first.id()).get(10, TimeUnit.SECONDS).run().status())
                    .isEqualTo(RunStatus.SUCCEEDED);
            RunView failed = completion.get(10, TimeUnit.SECONDS);
            assertThat(failed.run().status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.run().error().code()).isEqualTo("internal");
            assertThat(failed.run().error().message()).contains("catalog index corrupt");
        }
    }
}
