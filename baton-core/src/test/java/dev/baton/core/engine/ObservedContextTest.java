package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepError;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a step handler's thread carries (log context, the observation's scope), how child runs inherit a
 * traceparent, and that an observer that throws cannot break a run.
 */
class ObservedContextTest {
    private static final String REQUEST_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String ATTEMPT_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";

    private final Probe probe = new Probe();
    private final TestHandlers.Echo echo = new TestHandlers.Echo("echo");
    private final RecordingObserver observer = new RecordingObserver();
    private final EngineFixture fixture = new EngineFixture(probe, echo);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void a_handler_sees_run_workflow_step_and_attempt_in_the_log_context() {
        fixture.register("observed-probe");
        Run run = fixture.start("observed-probe");
        fixture.finish(run);

        assertThat(probe.context.get("first#1")).containsExactlyInAnyOrderEntriesOf(Map.of("runId", run.id(),
                "workflowId", "observed-probe", "stepId", "first", "attempt", "1"));
        assertThat(probe.context.get("second#1")).containsEntry("stepId", "second").containsEntry("runId", run.id());
        assertThat(MDC.get("runId")).as("the caller's own log context").isNull();
    }

    @Test
    void the_observation_is_entered_and_closed_on_the_handler_thread_around_the_handler() {
        fixture.observe(observer);
        fixture.register("observed-probe");
        fixture.finish(fixture.start("observed-probe"));

        for (String key : List.of("first#1", "second#1")) {
            assertThat(observer.enteredOn.get(key)).as(key).isSameAs(probe.threads.get(key));
            assertThat(observer.exitedOn.get(key)).as(key).isSameAs(probe.threads.get(key));
        }
        assertThat(observer.lines).containsSubsequence("enter first#1", "exit first#1", "end first#1 SUCCEEDED");
    }

    @Test
    void a_run_keeps_the_traceparent_it_was_started_with() {
        fixture.register("observed-probe");
        Run run = fixture.engine.start(new StartRequest(EngineFixture.TENANT, "observed-probe", 0, null, 0, null,
                REQUEST_PARENT));

        assertThat(run.traceParent()).isEqualTo(REQUEST_PARENT);
        assertThat(fixture.finish(run).run().traceParent()).isEqualTo(REQUEST_PARENT);
        assertThat(fixture.store.find(EngineFixture.TENANT, run.id()).orElseThrow().traceParent())
                .isEqualTo(REQUEST_PARENT);
    }

    @Test
    void a_start_request_with_an_invalid_traceparent_is_refused_naming_it() {
        assertThatThrownBy(() -> StartRequest.of(EngineFixture.TENANT, "wf", null).withTraceParent("00-abc-def-01"))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith("traceparent:");
                });
    }

    @Test
    void a_child_run_belongs_under_the_trace_of_the_attempt_that_started_it() {
        observer.traceParents = attempt -> attempt.stepType().equals("workflow") ? ATTEMPT_PARENT : null;
        fixture.observe(observer);
        fixture.register("parent-double").register("child-double");
        Run parent = fixture.engine.start(new StartRequest(EngineFixture.TENANT, "parent-double", 0,
                EngineFixture.json("{n: 2}"), 0, null, REQUEST_PARENT));
        fixture.finish(parent);

        assertThat(observer.lines).containsExactly("queued parent-double", "started parent-double",
                "attempt call#1 workflow", "queued child-double", "started child-double",
                "attempt double#1 transform", "end double#1 SUCCEEDED", "finished child-double SUCCEEDED",
                "end call#1 SUCCEEDED", "finished parent-double SUCCEEDED");
        Run child = observer.queued.get(1);
        assertThat(child.parentRunId()).isEqualTo(parent.id());
        assertThat(child.traceParent()).isEqualTo(ATTEMPT_PARENT);
        assertThat(observer.finished.getFirst().traceParent()).isEqualTo(ATTEMPT_PARENT);
        assertThat(observer.queueWaits).containsExactly(Duration.ZERO, Duration.ZERO);
    }

    @Test
    void map_items_over_a_workflow_give_each_child_run_its_own_item_attempt_traceparent() {
        observer.traceParents = attempt -> attempt.stepId().startsWith("each[")
                ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00000000000000" + attempt.stepId().charAt(5) + "1-01" : null;
        fixture.observe(observer);
        fixture.register("parent-map-workflow").register("child-upper");
        fixture.finish(fixture.start("parent-map-workflow", "{words: [a, b, c]}"));

        assertThat(observer.queued).filteredOn(r -> r.parentRunId() != null)
                .extracting(Run::parentStepId, Run::traceParent).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("each[0]",
                                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000001-01"),
                        org.assertj.core.groups.Tuple.tuple("each[1]",
                                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000011-01"),
                        org.assertj.core.groups.Tuple.tuple("each[2]",
                                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000021-01"));
    }

    @Test
    void an_observer_that_throws_everywhere_does_not_break_runs_and_children_fall_back_to_the_run_traceparent() {
        fixture.observe(new Throwing());
        fixture.register("parent-double").register("child-double").register("observed-chain");
        Run parent = fixture.engine.start(new StartRequest(EngineFixture.TENANT, "parent-double", 0,
                EngineFixture.json("{n: 21}"), 0, null, REQUEST_PARENT));
        Run chain = fixture.start("observed-chain");

        RunView parentView = fixture.finish(parent);
        RunView chainView = fixture.finish(chain);

        assertThat(parentView.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(parentView.run().outputs().at("/call/result").asInt()).isEqualTo(42);
        assertThat(chainView.run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(chainView.run().outputs().at("/c").asText()).isEqualTo("b");
        Run child = fixture.store.findByIdempotencyKey(EngineFixture.TENANT, parent.id() + "/call").orElseThrow();
        assertThat(child.traceParent()).isEqualTo(REQUEST_PARENT);
    }

    @Test
    void observers_combined_are_all_told_even_when_one_of_them_throws() {
        fixture.observe(EngineObserver.of(List.of(new Throwing(), observer)));
        fixture.register("observed-chain");
        fixture.finish(fixture.start("observed-chain"));

        assertThat(observer.lines("end")).containsExactly("end a#1 SUCCEEDED", "end b#1 SUCCEEDED",
                "end c#1 SUCCEEDED");
        assertThat(observer.lines("finished")).containsExactly("finished observed-chain SUCCEEDED");
        assertThat(observer.lines("enter")).hasSameSizeAs(observer.lines("exit"));
    }

    /** Records, per {@code step#attempt}, the log context and the thread it ran with. */
    static final class Probe implements StepHandler {
        final Map<String, Map<String, String>> context = new ConcurrentHashMap<>();
        final Map<String, Thread> threads = new ConcurrentHashMap<>();

        @Override
        public String type() {
            return "probe";
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of());
        }

        @Override
        public JsonNode execute(StepContext step, JsonNode arguments) {
            String key = step.stepId() + "#" + step.attempt();
            Map<String, String> mdc = MDC.getCopyOfContextMap();
            context.put(key, mdc == null ? Map.of() : mdc);
            threads.put(key, Thread.currentThread());
            return JsonNodeFactory.instance.objectNode().put("step", step.stepId());
        }
    }

    /** Throws from every hook, and its observations throw from every method. */
    static final class Throwing implements EngineObserver {
        @Override
        public void runQueued(Run run) {
            throw new IllegalStateException("runQueued");
        }

        @Override
        public void runStarted(Run run, Duration queueWait) {
            throw new IllegalStateException("runStarted");
        }

        @Override
        public void runFinished(Run run) {
            throw new IllegalStateException("runFinished");
        }

        @Override
        public AttemptObservation attemptStarted(AttemptInfo attempt) {
            if (attempt.stepId().equals("a")) {
                throw new IllegalStateException("attemptStarted");
            }
            return new AttemptObservation() {
                @Override
                public Scope enter() {
                    if (attempt.stepId().equals("b")) {
                        return () -> {
                            throw new IllegalStateException("close");
                        };
                    }
                    throw new IllegalStateException("enter");
                }

                @Override
                public String traceParent() {
                    throw new IllegalStateException("traceParent");
                }

                @Override
                public void finished(AttemptStatus status, StepError error, Instant at) {
                    throw new IllegalStateException("finished");
                }
            };
        }
    }
}
