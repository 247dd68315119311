package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.RunStatus;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.InMemoryRunStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JournalFailureTest {

    /** A store that refuses to record the start of step {@code a} (as a database would refuse an oversized row). */
    private static final class RefusingStore extends ForwardingRunStore {
        RefusingStore() {
            super(new InMemoryRunStore());
        }

        @Override
        public void append(List<JournalEntry> entries) {
            for (JournalEntry entry : entries) {
                if (entry instanceof JournalEntry.AttemptStarted started && started.stepId().equals("a")) {
                    throw new BatonException(ErrorCode.INVALID_ARGUMENT, "input of step a is too large to store");
                }
            }
            super.append(entries);
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
