package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.step.StepContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** An interrupt the engine did not cause is the handler's failure: a counted attempt, not a restart interruption. */
class HandlerInterruptTest {

    /** Fails every call with an InterruptedException or a BatonException(INTERRUPTED). */
    private static final class Interrupted extends TestHandlers.Echo {
        private final boolean batonException;

        Interrupted(boolean batonException) {
            super("intr");
            this.batonException = batonException;
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            super.execute(context, arguments);
            if (batonException) {
                throw new BatonException(ErrorCode.INTERRUPTED, "library gave up waiting");
            }
            throw new InterruptedException("library-level interrupt");
        }
    }

    private static RunView runToTheEnd(Interrupted handler) {
        try (EngineFixture fixture = new EngineFixture(handler)) {
            fixture.register("intr");
            Run run = fixture.start("intr");
            fixture.advanceWhenTimers(1, Duration.ofSeconds(1));
            fixture.advanceWhenTimers(1, Duration.ofSeconds(2));
            return fixture.finish(run);
        }
    }

    @Test
    void a_handler_throwing_interrupted_exception_is_retried_until_max_attempts() {
        Interrupted handler = new Interrupted(false);

        RunView view = runToTheEnd(handler);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(handler.calls).hasSize(3);
        assertThat(view.attempts()).hasSize(3).allSatisfy(a -> {
            assertThat(a.error().code()).isEqualTo(ErrorCode.STEP_FAILED.code());
            assertThat(a.error().retriable()).isTrue();
            assertThat(a.error().message()).contains("handler was interrupted");
        });
    }

    @Test
    void a_handler_throwing_an_interrupted_baton_exception_counts_as_an_attempt() {
        Interrupted handler = new Interrupted(true);

        RunView view = runToTheEnd(handler);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(handler.calls).hasSize(3);
        assertThat(view.attempts()).extracting(StepAttempt::error)
                .allSatisfy(e -> assertThat(e.code()).isNotEqualTo(ErrorCode.INTERRUPTED.code()));
        assertThat(view.attempts().getLast().error().message()).contains("library gave up waiting");
    }
}
