package dev.baton.core.engine;

import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A cancel that arrives while a queued run is being admitted (no owner yet) is honoured on activation. */
class AdmissionCancelTest {
    private static final String TENANT = "default";
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private final Map<String, Workflow> workflows = Map.of(
            "a", EngineFixture.PARSER.parse("id: a\nsteps:\n  w: {uses: gate}\n", "a.yaml").withVersion(1),
            "b", EngineFixture.PARSER.parse("id: b\nsteps:\n  e: {uses: echo}\n", "b.yaml").withVersion(1));
    /** Resolving workflow b blocks on the {@code blockAt}-th call until {@link #proceed}. */
    private final AtomicInteger resolvesOfB = new AtomicInteger();
    private volatile int blockAt = Integer.MAX_VALUE;
    private final CountDownLatch inResolve = new CountDownLatch(1);
    private final CountDownLatch proceed = new CountDownLatch(1);
    private final WorkflowResolver resolver = (tenant, id, version) -> {
        if (id.equals("b") && resolvesOfB.incrementAndGet() == blockAt) {
            inResolve.countDown();
            await(proceed);
        }
        return workflows.get(id);
    };
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final LocalEngine engine = LocalEngine.builder(store, resolver,
                    StepRegistry.of(List.of(gate, echo)))
            .clock(new ManualEngineClock(EngineFixture.T0)).random(new SplittableRandom(1))
            .config(EngineConfig.DEFAULT.withMaxRunningRuns(1)).build();

    @AfterEach
    void close() {
        proceed.countDown();
        engine.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Run start(String workflowId) {
        return engine.start(new StartRequest(TENANT, workflowId, 0, EngineFixture.json("{}"), 0, null));
    }

    private RunView finish(Run run) throws Exception {
        return engine.completion(TENANT, run.id()).get(30, TimeUnit.SECONDS);
    }

    @Test
    void a_cancel_while_a_queued_run_is_taken_off_the_admission_queue_is_honoured() throws Exception {
        Run a = start("a");
        EngineFixture.eventually("a running", () -> gate.inside.get() == 1);
        Run b = start("b"); // resolved once to validate its inputs, then queued
        assertThat(engine.queuedRuns()).isEqualTo(1);
        blockAt = 2;        // the activation's resolve
        gate.release(1);    // a finishes: b leaves the queue and is being activated
        await(inResolve);

        engine.cancel(TENANT, b.id(), "user asked");
        proceed.countDown();

        assertThat(finish(a).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        RunView view = finish(b);
        assertThat(view.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(view.run().error().message()).contains("user asked");
        assertThat(echo.calls).isEmpty();
    }

    @Test
    void a_cancel_between_admission_and_activation_in_start_is_honoured() throws Exception {
        blockAt = 2; // start resolves b to validate it, then again to activate it
        CompletableFuture<Run> starting = CompletableFuture.supplyAsync(() -> start("b"));
        await(inResolve);
        Run b = store.list(TENANT, dev.baton.core.store.RunQuery.firstPage(10)).items().getFirst();
        assertThat(b.status()).isEqualTo(RunStatus.QUEUED);

        engine.cancel(TENANT, b.id(), "changed my mind");
        proceed.countDown();

        assertThat(starting.get(30, TimeUnit.SECONDS).id()).isEqualTo(b.id());
        RunView view = finish(b);
        assertThat(view.run().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(echo.calls).isEmpty();
    }
}
