package dev.baton.core.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The run limit after a restart: runs that were running get their slots back before queued runs get one. */
class ResumeAdmissionTest {
    private final TestHandlers.Gate gate = new TestHandlers.Gate("gate");
    private final EngineFixture fixture = new EngineFixture(EngineConfig.DEFAULT.withMaxRunningRuns(1), gate);

    @AfterEach
    void close() {
        fixture.close();
    }

    private Run start(String name, int priority) {
        Run run = fixture.engine.start(new StartRequest(EngineFixture.TENANT, "one", 0,
                JsonNodeFactory.instance.objectNode().put("name", name), priority, null));
        // Distinct creation instants, so the store's oldest-first order of unfinished runs is first, older, newer.
        fixture.clock.advance(Duration.ofSeconds(1));
        return run;
    }

    @Test
    void a_restart_keeps_the_run_limit_when_a_newer_run_was_running_and_an_older_one_queued() {
        fixture.register("one");
        Run first = start("first", 0);
        Run older = start("older", 0);
        Run urgent = start("urgent", 10);
        EngineFixture.eventually("first running", () -> gate.inside.get() == 1);
        gate.release(1);
        EngineFixture.eventually("urgent admitted before the older run", () -> gate.enteredValues.size() == 2);
        assertThat(gate.enteredValues).containsExactly("first", "urgent");

        fixture.restart();
        EngineFixture.eventually("urgent retried", () -> gate.enteredValues.size() == 3);

        // The journal is appended in order: had the older run been admitted during resume, its RunStarted would
        // be durable before the urgent run's retry could enter the gate.
        assertThat(fixture.view(older).run().status()).isEqualTo(RunStatus.QUEUED);
        assertThat(gate.enteredValues).containsExactly("first", "urgent", "urgent");
        gate.release(2);
        assertThat(fixture.finish(urgent).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fixture.finish(older).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(fixture.finish(first).run().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(gate.enteredValues).containsExactly("first", "urgent", "urgent", "older");
        assertThat(gate.maxInside.get()).as("runs in the gate at once").isEqualTo(1);
    }
}
