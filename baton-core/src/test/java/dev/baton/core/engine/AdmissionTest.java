package dev.baton.core.engine;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionTest {

    private static Run start(EngineFixture fixture, String name, int priority, String key) {
        return fixture.engine.start(new StartRequest(EngineFixture.TENANT, "one", 0,
                EngineFixture.json("{name: " + name + "}"), priority, key));
    }

    private static EngineFixture fixture(EngineConfig config, TestHandlers.Gate gate) {
        EngineFixture fixture = new EngineFixture(config, gate);
        fixture.register("one");
        return fixture;
    }

    @Test
    void when_saturated_higher_priority_runs_are_admitted_first() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT.withMaxRunningRuns(1), gate)) {
            Run first = start(fixture, "first", 0, null);
            EngineFixture.eventually("first running", () -> gate.inside.get() == 1);
            Run low = start(fixture, "low", -10, null);
            start(fixture, "normal", 0, null);
            start(fixture, "high", 50, null);
            start(fixture, "normal2", 0, null);
            assertThat(low.status()).isEqualTo(RunStatus.QUEUED);
            assertThat(fixture.engine.queuedRuns()).isEqualTo(4);

            for (int i = 1; i <= 5; i++) {
                int entered = i;
                EngineFixture.eventually("run " + i + " inside", () -> gate.enteredValues.size() == entered);
                gate.release(1);
            }
            fixture.finish(first);
            fixture.finish(low);

            assertThat(gate.enteredValues).containsExactly("first", "high", "normal", "normal2", "low");
        }
    }

    @Test
    void when_attempts_are_saturated_higher_priority_runs_get_the_next_permit() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT.withMaxConcurrentAttempts(1), gate)) {
            start(fixture, "first", 0, null);
            EngineFixture.eventually("first running", () -> gate.inside.get() == 1);
            start(fixture, "low", -5, null);
            EngineFixture.eventually("low waits", () -> fixture.engine.attemptsWaitingForPermits() == 1);
            Run high = start(fixture, "high", 5, null);
            EngineFixture.eventually("high waits", () -> fixture.engine.attemptsWaitingForPermits() == 2);

            gate.release(3);
            fixture.finish(high);

            EngineFixture.eventually("all ran", () -> gate.enteredValues.size() == 3);
            assertThat(gate.enteredValues).containsExactly("first", "high", "low");
            assertThat(gate.maxInside.get()).isEqualTo(1);
        }
    }

    @Test
    void a_step_types_own_concurrency_limit_applies_and_configuration_overrides_it() {
        TestHandlers.Gate limited = new TestHandlers.Gate("limited", 1);
        try (EngineFixture fixture = new EngineFixture(limited)) {
            fixture.register("three-limited");
            Run run = fixture.start("three-limited");
            EngineFixture.eventually("one inside", () -> limited.inside.get() == 1);
            limited.release(3);
            fixture.finish(run);
            assertThat(limited.maxInside.get()).isEqualTo(1);
        }
        TestHandlers.Gate overridden = new TestHandlers.Gate("limited", 1);
        try (EngineFixture fixture = new EngineFixture(EngineConfig.DEFAULT.withStepTypeLimits(Map.of("limited", 2)),
                overridden)) {
            fixture.register("three-limited");
            Run run = fixture.start("three-limited");
            EngineFixture.eventually("two inside", () -> overridden.inside.get() == 2);
            overridden.release(3);
            fixture.finish(run);
            assertThat(overridden.maxInside.get()).isEqualTo(2);
        }
    }

    @Test
    void a_queued_run_that_is_cancelled_never_starts() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT.withMaxRunningRuns(1), gate)) {
            Run running = start(fixture, "running", 0, null);
            Run queued = start(fixture, "queued", 0, null);
            Run after = start(fixture, "after", 0, null);

            Run cancelled = fixture.engine.cancel(EngineFixture.TENANT, queued.id(), "not needed");
            gate.release(3);
            fixture.finish(running);
            fixture.finish(after);

            assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(cancelled.startedAt()).isNull();
            assertThat(fixture.finish(queued).attempts()).isEmpty();
            assertThat(gate.enteredValues).containsExactly("running", "after");
        }
    }

    @Test
    void a_full_queue_refuses_new_runs_with_rate_limited() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT.withMaxRunningRuns(1).withMaxQueuedRuns(1), gate)) {
            start(fixture, "running", 0, null);
            start(fixture, "queued", 0, null);

            assertThatThrownBy(() -> start(fixture, "refused", 0, null))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                        assertThat(e.retriable()).isTrue();
                    });
            gate.release(2);
        }
    }

    @Test
    void the_same_idempotency_key_returns_the_same_run() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT, gate)) {
            Run once = start(fixture, "x", 0, "client-key-1");
            Run again = start(fixture, "x", 0, "client-key-1");
            Run other = start(fixture, "z", 0, "client-key-2");

            assertThat(again.id()).isEqualTo(once.id());
            assertThat(other.id()).isNotEqualTo(once.id());
            assertThat(fixture.store.list(EngineFixture.TENANT, dev.baton.core.store.RunQuery.firstPage(10)).items())
                    .hasSize(2);
            gate.release(2);
            fixture.finish(once);
            fixture.finish(other);
            assertThat(gate.enteredValues).containsExactlyInAnyOrder("x", "z");
        }
    }

    @Test
    void an_idempotency_key_reused_for_other_inputs_or_another_workflow_is_a_conflict() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT, gate)) {
            fixture.register("greet");
            Run once = start(fixture, "x", 0, "client-key-1");
            Run greeted = fixture.engine.start(new StartRequest(EngineFixture.TENANT, "greet", 0,
                    EngineFixture.json("{name: Ada}"), 0, "client-key-2"));

            assertThatThrownBy(() -> start(fixture, "y", 0, "client-key-1"))
                    .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                    .hasMessage("Idempotency-Key 'client-key-1' was used for a different request (workflow/inputs differ)");
            assertThatThrownBy(() -> fixture.engine.start(new StartRequest(EngineFixture.TENANT, "greet", 0,
                    EngineFixture.json("{name: x}"), 0, "client-key-1")))
                    .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
            // The defaults are applied before comparing: spelling out the default is the same request.
            Run again = fixture.engine.start(new StartRequest(EngineFixture.TENANT, "greet", 0,
                    EngineFixture.json("{name: Ada, punctuation: '!'}"), 0, "client-key-2"));
            assertThat(again.id()).isEqualTo(greeted.id());

            gate.release(1);
            fixture.finish(once);
            fixture.finish(greeted);
        }
    }

    @Test
    void invalid_inputs_and_unknown_workflows_are_refused_before_anything_is_stored() {
        TestHandlers.Gate gate = new TestHandlers.Gate("gate");
        try (EngineFixture fixture = fixture(EngineConfig.DEFAULT, gate)) {
            fixture.register("greet");
            assertThatThrownBy(() -> fixture.engine.start(StartRequest.of(EngineFixture.TENANT, "missing", null)))
                    .isInstanceOfSatisfying(BatonException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> fixture.start("greet", "{name: 42}"))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                        assertThat(e.errors()).extracting(dev.baton.core.error.FieldError::field).contains("name");
                    });
            assertThat(fixture.store.unfinished()).isEmpty();
            assertThat(List.of(fixture.engine.activeRuns(), fixture.engine.queuedRuns())).containsOnly(0);
        }
    }

    @Test
    void inputs_are_stored_with_the_schema_defaults_applied() {
        try (EngineFixture fixture = new EngineFixture()) {
            fixture.register("greet");

            RunView view = fixture.finish(fixture.start("greet", "{name: baton}"));

            assertThat(view.run().inputs().path("punctuation").asText()).isEqualTo("!");
            assertThat(view.run().outputs().path("say").asText()).isEqualTo("hello baton!");
        }
    }
}
