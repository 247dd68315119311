package dev.baton.ai.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ai.testing.ScriptedGateway;
import dev.baton.core.engine.LocalEngine;
import dev.baton.core.engine.ManualEngineClock;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.step.StepSignature;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.core.workflow.WorkflowValidator;
import dev.baton.gateway.api.FinishReason;
import dev.baton.gateway.api.ModelKind;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code llm.chat} inside the engine: a finished step is never paid for twice across a crash and resume, and an
 * attempt that did not finish is re-run with a fresh call. A node "crash" closes the engine; a new engine opens
 * the same store and resumes (as in baton-core's ResumeTest).
 */
class LlmChatDurabilityTest {
    private static final String TENANT = "default";
    private static final String NOTES = """
            id: notes
            inputs:
              type: object
              properties:
                text: {type: string}
            steps:
              summarise:
                uses: llm.chat
                with:
                  prompt: "Summarise: {{ inputs.text }}"
                  schema:
                    type: object
                    required: [summary]
                    properties:
                      summary: {type: string}
                retry: {maxAttempts: 3, initialDelay: 1s}
              publish:
                uses: gate
                with: {value: "{{ steps.summarise.output.json.summary }}"}
            outputs:
              summary: "{{ steps.publish.output.value }}"
              calls: "{{ steps.summarise.output.calls }}"
            """;

    private final ScriptedGateway gateway = new ScriptedGateway().model("default", ModelKind.CHAT);
    private final Gate gate = new Gate();
    private final StepRegistry registry = StepRegistry.of(List.of(new LlmChatStep(gateway), gate));
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    private ManualEngineClock clock = new ManualEngineClock(Instant.parse("2026-01-01T00:00:00Z"));
    private LocalEngine engine = newEngine();

    @AfterEach
    void close() {
        gate.releases.release(100);
        engine.close();
    }

    @Test
    void a_finished_llm_chat_step_is_not_called_again_after_a_crash_and_resume() {
        gateway.answers("{\"summary\": 42}", "{\"summary\": \"short\"}"); // the first answer needs a repair turn
        Run run = start();
        eventually("publish running", () -> gate.inside.get() == 1);
        assertThat(gateway.chatRequests()).hasSize(2);

        restart();
        eventually("publish re-run", () -> gate.entered.get() == 2);
        gate.releases.release(1);
        RunView view = finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(gateway.chatRequests()).hasSize(2);
        assertThat(view.run().outputs().get("summary").asText()).isEqualTo("short");
        assertThat(view.run().outputs().get("calls").asInt()).isEqualTo(2);
        assertThat(attempts(view, "summarise")).extracting(StepAttempt::attempt, StepAttempt::status)
                .containsExactly(Tuple.tuple(1, AttemptStatus.SUCCEEDED));
        assertThat(gateway.calls).allSatisfy(call -> {
            assertThat(call.context().runId()).isEqualTo(run.id());
            assertThat(call.context().workflow()).isEqualTo("notes");
            assertThat(call.context().stepId()).isEqualTo("summarise");
            assertThat(call.context().idempotencyKey()).isEqualTo(run.id() + "/summarise");
        });
    }

    @Test
    void an_llm_chat_attempt_cut_by_a_crash_is_re_run_with_a_fresh_call_and_keeps_only_that_answer() {
        Semaphore upstream = new Semaphore(0);
        AtomicInteger entered = new AtomicInteger();
        gateway.otherwise(request -> {
            int call = entered.incrementAndGet();
            try {
                upstream.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ScriptedGateway.Failure(new BatonException(ErrorCode.CANCELLED, "interrupted"));
            }
            return new ScriptedGateway.Answer("{\"summary\": \"call " + call + "\"}", FinishReason.STOP);
        });
        Run run = start();
        eventually("first call in flight", () -> entered.get() == 1);

        restart();
        eventually("second call in flight", () -> entered.get() == 2);
        upstream.release(2);
        eventually("publish running", () -> gate.inside.get() == 1);
        gate.releases.release(1);
        RunView view = finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(view.run().outputs().get("summary").asText()).isEqualTo("call 2");
        assertThat(attempts(view, "summarise")).extracting(StepAttempt::attempt, StepAttempt::status)
                .containsExactly(Tuple.tuple(1, AttemptStatus.FAILED), Tuple.tuple(2, AttemptStatus.SUCCEEDED));
        JsonNode cutOutput = attempts(view, "summarise").getFirst().output();
        assertThat(cutOutput == null || cutOutput.isNull()).as("output of the cut attempt: " + cutOutput).isTrue();
        // the re-made call carries the cut one's key, so an upstream that deduplicates can answer it for free
        assertThat(gateway.calls).extracting(call -> call.context().idempotencyKey())
                .containsOnly(run.id() + "/summarise").hasSize(2);
    }

    @Test
    void a_retriable_gateway_error_is_retried_by_the_step_retry_policy_with_a_fresh_call() {
        gateway.fails(new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, "every deployment failed"));
        gateway.answers("{\"summary\": \"second time lucky\"}");
        Run run = start();
        eventually("retry scheduled", () -> clock.pendingTimers() >= 1);
        clock.advance(Duration.ofMinutes(1));
        eventually("publish running", () -> gate.inside.get() == 1);
        gate.releases.release(1);
        RunView view = finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(gateway.chatRequests()).hasSize(2);
        assertThat(attempts(view, "summarise")).extracting(a -> a.status(), a -> a.error() == null ? null : a.error().code())
                .containsExactly(Tuple.tuple(AttemptStatus.FAILED, "upstream-unavailable"),
                        Tuple.tuple(AttemptStatus.SUCCEEDED, null));
        assertThat(view.run().outputs().get("summary").asText()).isEqualTo("second time lucky");
    }

    @Test
    void a_rejected_request_fails_the_step_without_retries() {
        gateway.fails(new BatonException(ErrorCode.UPSTREAM_REJECTED, "context length exceeded"));
        Run run = start();
        RunView view = finish(run);

        assertThat(view.run().status()).isEqualTo(RunStatus.FAILED);
        assertThat(gateway.chatRequests()).hasSize(1);
        assertThat(attempts(view, "summarise")).singleElement()
                .satisfies(a -> assertThat(a.error().message()).contains("context length exceeded"));
        assertThat(gate.entered.get()).isZero();
    }

    @Test
    void the_validator_rejects_an_unknown_llm_chat_argument_with_a_suggestion() {
        WorkflowValidator validator = new WorkflowValidator(registry);
        String yaml = """
                id: typo
                steps:
                  ask: {uses: llm.chat, with: {promt: "hi"}}
                """;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> validator.validate(new WorkflowParser(), yaml, "typo.yaml"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
                    assertThat(e.errors()).extracting(error -> error.field() + ": " + error.message()).contains(
                            "steps.ask.with.promt: unknown argument 'promt' for step type 'llm.chat'; did you mean "
                                    + "'prompt'?");
                });
    }

    // --- fixture -------------------------------------------------------------------------------------------------

    private LocalEngine newEngine() {
        return LocalEngine.builder(store, (tenant, id, version) -> {
                    Workflow workflow = workflows.get(id);
                    if (workflow == null) {
                        throw BatonException.notFound("workflow", id);
                    }
                    return workflow;
                }, registry)
                .clock(clock)
                .random(new SplittableRandom(7))
                .build();
    }

    private Run start() {
        Workflow workflow = new WorkflowValidator(registry).validate(new WorkflowParser(), NOTES, "notes.yaml")
                .withVersion(1);
        workflows.put(workflow.id(), workflow);
        JsonNode inputs = new ObjectMapper().createObjectNode().put("text", "We agreed to ship on Friday.");
        return engine.start(new StartRequest(TENANT, "notes", 0, inputs, 0, null));
    }

    /** Simulates a crash: the engine stops without finishing anything; a new engine opens the same store. */
    private void restart() {
        engine.close();
        clock = new ManualEngineClock(clock.instant());
        engine = newEngine();
        engine.resumeUnfinished();
    }

    private RunView finish(Run run) {
        try {
            return engine.completion(TENANT, run.id()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("run " + run.id() + " did not finish: " + engine.get(TENANT, run.id()), e);
        }
    }

    private static List<StepAttempt> attempts(RunView view, String stepId) {
        return view.attempts().stream().filter(a -> a.stepId().equals(stepId)).toList();
    }

    /** Waits (for other threads, not for time) until the condition holds; fails after 30 s of real time. */
    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** A step that echoes {@code value} once released; counts entries. */
    private static final class Gate implements StepHandler {
        final Semaphore releases = new Semaphore(0);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger entered = new AtomicInteger();

        @Override
        public String type() {
            return "gate";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of("value"), Set.of());
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            inside.incrementAndGet();
            entered.incrementAndGet();
            try {
                releases.acquire();
                return Json.NODES.objectNode().set("value", arguments.get("value"));
            } finally {
                inside.decrementAndGet();
            }
        }
    }
}
