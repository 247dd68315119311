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

    /** A store that, once told to, refuses to record the restart interruption of an attempt. */
    private static final class InterruptionRefusingStore extends ForwardingRunStore {
        volatile boolean refuseInterruptions;

        InterruptionRefusingStore() {
            super(new InMemoryRunStore());
        }

        @Override
        public void append(List<JournalEntry> entries) {
            if (refuseInterruptions && entries.stream().anyMatch(e -> e instanceof JournalEntry.AttemptFinished f
                    && f.error() != null && f.error().code().equals(ErrorCode.INTERRUPTED.code()))) {
                throw new BatonException(ErrorCode.INVALID_ARGUMENT, "interruption record refused");
            }
            super.append(entries);
        }
    }

    @Test
    void a_refused_interruption_record_on_resume_fails_the_run_instead_of_hanging_it() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        TestHandlers.Echo echo = new TestHandlers.Echo("echo");
        InterruptionRefusingStore store = new InterruptionRefusingStore();
        try (EngineFixture fixture = new EngineFixture(store, EngineConfig.DEFAULT, gate, echo)) {
            fixture.register("resume-three");
            var run = fixture.start("resume-three");
            EngineFixture.eventually("the gated step to run", () -> gate.inside.get() == 1);
            store.refuseInterruptions = true;

            fixture.restart();
            RunView view = fixture.finish(run);

            assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
            assertThat(view.run().error().message()).contains("journal refused").contains("interruption record refused");
        }
    }
}
