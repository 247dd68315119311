package dev.baton.core.engine;

import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the journal writer groups: a step finishing and its dependents starting cost one commit, not two; new runs
 * are stored in batches by the writer, not one transaction per {@code start}.
 */
class DispatchJournalingTest {

    private static boolean finishes(List<JournalEntry> append, String stepId) {
        return append.stream().anyMatch(e -> e instanceof JournalEntry.AttemptFinished f && f.stepId().equals(stepId));
    }

    private static boolean starts(List<JournalEntry> append, String stepId) {
        return append.stream().anyMatch(e -> e instanceof JournalEntry.AttemptStarted s && s.stepId().equals(stepId));
    }

    @Test
    void a_dependent_handler_step_is_journaled_started_in_the_same_append_as_its_dependency_finished() {
        FaultyStore store = new FaultyStore();
        TestHandlers.Echo echo = new TestHandlers.Echo("echo");
        try (EngineFixture fixture = new EngineFixture(store, EngineConfig.DEFAULT, echo)) {
            fixture.register("chain");

            RunView view = fixture.finish(fixture.start("chain", "{name: ada}"));

            assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(fixture.output(view, "/greeting").asText()).isEqualTo("ada!");
            List<List<JournalEntry>> appends = store.appends;
            assertThat(appends).anySatisfy(append -> assertThat(finishes(append, "first") && starts(append, "second"))
                    .isTrue());
            assertThat(appends).anySatisfy(append -> assertThat(finishes(append, "second") && starts(append, "third"))
                    .isTrue());
            // The dependent's input was rendered from the output its dependency journaled.
            StepAttempt second = view.attempts().stream().filter(a -> a.stepId().equals("second")).findFirst()
                    .orElseThrow();
            assertThat(second.input().path("value").asText()).isEqualTo("ada!");
            assertThat(echo.calls).hasSize(3);
        }
    }

    @Test
    void started_runs_are_stored_by_the_journal_writer_in_batches_before_start_returns() throws Exception {
        FaultyStore store = new FaultyStore();
        TestHandlers.Echo echo = new TestHandlers.Echo("echo");
        try (EngineFixture fixture = new EngineFixture(store, EngineConfig.DEFAULT, echo)) {
            fixture.register("chain");
            List<dev.baton.core.run.Run> started = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (var starters = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    int n = i;
                    starters.submit(() -> {
                        dev.baton.core.run.Run run = fixture.start("chain", "{name: r" + n + "}");
                        // start returns only once the run is durable
                        assertThat(store.delegate.find(EngineFixture.TENANT, run.id())).isPresent();
                        started.add(run);
                        return run;
                    }).get();
                }
            }

            assertThat(started).hasSize(20);
            assertThat(store.creations.stream().mapToInt(List::size).sum()).isEqualTo(20);
            for (dev.baton.core.run.Run run : started) {
                assertThat(fixture.finish(run).run().status()).isEqualTo(RunStatus.SUCCEEDED);
            }
        }
    }
}
