package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.store.Page;
import dev.baton.core.store.RunQuery;
import dev.baton.core.store.RunStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class JournalFailureTest {

    /** A store that refuses to record the start of step {@code a} (as a database would refuse an oversized row). */
    private static final class RefusingStore implements RunStore {
        private final InMemoryRunStore delegate = new InMemoryRunStore();

        @Override
        public Run create(Run run) {
            return delegate.create(run);
        }

        @Override
        public void append(List<JournalEntry> entries) {
            for (JournalEntry entry : entries) {
                if (entry instanceof JournalEntry.AttemptStarted started && started.stepId().equals("a")) {
                    throw new BatonException(ErrorCode.INVALID_ARGUMENT, "input of step a is too large to store");
                }
            }
            delegate.append(entries);
        }

        @Override
        public Optional<Run> find(String tenantId, String runId) {
            return delegate.find(tenantId, runId);
        }

        @Override
        public Optional<Run> findByIdempotencyKey(String tenantId, String idempotencyKey) {
            return delegate.findByIdempotencyKey(tenantId, idempotencyKey);
        }

        @Override
        public List<StepAttempt> attempts(String runId) {
            return delegate.attempts(runId);
        }

        @Override
        public Page<Run> list(String tenantId, RunQuery query) {
            return delegate.list(tenantId, query);
        }

        @Override
        public List<Run> unfinished() {
            return delegate.unfinished();
        }

        @Override
        public List<RunEvent> events(String runId, long afterSequence, int limit) {
            return delegate.events(runId, afterSequence, limit);
        }
    }

    @Test
    void a_journal_entry_the_store_refuses_fails_the_step_instead_of_hanging_the_run() {
        TestHandlers.Echo echo = new TestHandlers.Echo("echo");
        try (EngineFixture fixture = new EngineFixture(new RefusingStore(), EngineConfig.DEFAULT, echo)) {
            fixture.register("quick");

            RunView view = fixture.finish(fixture.start("quick"));

            assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
            assertThat(view.run().error().code()).isEqualTo("invalid-argument");
            assertThat(view.run().error().message()).contains("journal refused").contains("too large");
            assertThat(echo.calls).isEmpty();
        }
    }
}
