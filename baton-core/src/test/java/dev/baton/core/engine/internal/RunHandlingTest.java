package dev.baton.core.engine.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The marks of runs a node's tasks handle: a run the claim loop leases is either adopted or left to its handler. */
class RunHandlingTest {

    @Test
    void a_run_claimed_while_handled_is_deferred_and_its_handler_lets_go_of_the_lease() {
        RunHandling handling = new RunHandling();
        assertThat(handling.tryHandle("r")).isTrue();

        assertThat(handling.tryHandleClaimed("r")).as("the loop leaves it to the handler").isFalse();
        assertThat(handling.isHandled("r")).isTrue();

        assertThat(handling.unhandle("r", false)).as("the handler did not run it: it releases").isTrue();
        assertThat(handling.isHandled("r")).isFalse();
    }

    @Test
    void a_handler_that_runs_the_run_or_had_no_deferral_keeps_the_lease() {
        RunHandling handling = new RunHandling();
        handling.tryHandle("r");
        handling.tryHandleClaimed("r");
        assertThat(handling.unhandle("r", true)).as("it runs here").isFalse();

        handling.tryHandle("s");
        assertThat(handling.unhandle("s", false)).as("no deferral").isFalse();

        assertThat(handling.tryHandleClaimed("s")).as("nobody handles it now: the loop does").isTrue();
        assertThat(handling.tryHandle("s")).isFalse();
        assertThat(handling.unhandle("s", false)).as("the loop's own mark is no deferral").isFalse();
    }

    @Test
    void a_cancel_that_settled_the_run_drops_the_deferral() {
        RunHandling handling = new RunHandling();
        handling.tryHandle("r");
        handling.tryHandleClaimed("r");
        handling.unhandleSettled("r");
        assertThat(handling.isHandled("r")).isFalse();
        assertThat(handling.unhandle("r", false)).isFalse();
    }

    @Test
    void a_racing_claim_loop_and_handler_never_both_take_the_run_nor_both_leave_it() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            RunHandling handling = new RunHandling();
            handling.tryHandle("r"); // the handler (a start's fast path) handles the run
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicBoolean adopted = new AtomicBoolean();
            AtomicBoolean released = new AtomicBoolean();
            Thread loop = Thread.ofPlatform().start(() -> {
                await(start);
                adopted.set(handling.tryHandleClaimed("r"));
            });
            Thread handler = Thread.ofPlatform().start(() -> {
                await(start);
                released.set(handling.unhandle("r", false)); // its own claim failed: it does not run the run
            });
            loop.join();
            handler.join();
            assertThat(adopted.get()).as("round %d: adopted by the loop xor released by the handler", round)
                    .isNotEqualTo(released.get());
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
