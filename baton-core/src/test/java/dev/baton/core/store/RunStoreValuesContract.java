package dev.baton.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.RunStatus;
import dev.baton.core.run.StepAttempt;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.baton.core.store.StoreFixtures.T0;
import static dev.baton.core.store.StoreFixtures.attemptStarted;
import static dev.baton.core.store.StoreFixtures.json;
import static dev.baton.core.store.StoreFixtures.queued;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RunStore} promises about values: every field of a run, and JSON (nested, unicode, escapes,
 * big numbers, values over 1 MiB) reads back equal. Part of {@link RunStoreContract}; implementations extend that.
 */
public abstract class RunStoreValuesContract extends RunStoreListingContract {

    @Test
    void keeps_every_field_of_a_run() {
        Run run = new Run(UUID.randomUUID().toString(), "default", "triage", 7, RunStatus.QUEUED, -42,
                json("{'text': 'hello', 'n': [1, 2, 3]}"), null, null, "key-1", UUID.randomUUID().toString(),
                "fan_out[3]", T0, null, null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        store.create(run);

        assertThat(store.find("default", run.id())).contains(run);
        assertThat(store.findByIdempotencyKey("default", "key-1")).contains(run);
    }

    @Test
    void keeps_the_trace_parent_of_a_run_through_create_create_all_listing_and_finishing() {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        Run single = withTraceParent(queued("default", "traced", 1), parent);
        Run first = withTraceParent(queued("default", "traced", 2), other);
        Run untraced = queued("default", "traced", 3);

        store.create(single);
        List<Run> batch = store.createAll(List.of(first, untraced));

        assertThat(batch).extracting(Run::traceParent).containsExactly(other, null);
        assertThat(store.find("default", single.id())).map(Run::traceParent).contains(parent);
        assertThat(store.find("default", first.id())).map(Run::traceParent).contains(other);
        assertThat(store.find("default", untraced.id())).map(Run::traceParent).isEmpty();
        assertThat(store.unfinished()).filteredOn(r -> r.id().equals(first.id())).extracting(Run::traceParent)
                .containsExactly(other);
        assertThat(store.list("default", new RunQuery("traced", null, null, null, null, 10)).items())
                .extracting(Run::traceParent).containsExactly(null, other, parent);

        store.append(List.of(StoreFixtures.runStarted(single, 5), StoreFixtures.runSucceeded(single, 6)));

        Run finished = store.find("default", single.id()).orElseThrow();
        assertThat(finished.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(finished.traceParent()).isEqualTo(parent);
    }

    private static Run withTraceParent(Run run, String traceParent) {
        return new Run(run.id(), run.tenantId(), run.workflowId(), run.workflowVersion(), run.status(),
                run.priority(), run.inputs(), run.outputs(), run.error(), run.idempotencyKey(), run.parentRunId(),
                run.parentStepId(), run.createdAt(), run.startedAt(), run.finishedAt(), traceParent);
    }

    @Test
    void json_values_round_trip_exactly() {
        ObjectNode value = (ObjectNode) json("""
                {'nested': {'list': [1, [2, [3, {'deep': true}]], null, 'x'], 'empty': {}, 'none': []},
                 'unicode': 'Grüße, 東京, emoji 🎼', 'big': 123456789012345678901234567890,
                 'long': 9223372036854775807, 'negative': -17, 'pi': 3.141592653589793, 'flag': false,
                 'nothing': null}""");
        value.put("escapes", "she said \"hi\" \\ then\n\ttab");
        Run run = new Run(UUID.randomUUID().toString(), "default", "wf", 1, RunStatus.QUEUED, 0, value, null, null,
                null, null, null, T0, null, null);
        store.create(run);
        List<JournalEntry> journal = List.of(
                new JournalEntry.AttemptStarted(run.id(), "s", 1, value, T0.plusMillis(1)),
                new JournalEntry.AttemptFinished(run.id(), "s", 1, AttemptStatus.SUCCEEDED, value, null, T0.plusMillis(2)),
                new JournalEntry.RunFinished(run.id(), RunStatus.SUCCEEDED, value, null, T0.plusMillis(3)));

        store.append(journal);

        Run stored = store.find("default", run.id()).orElseThrow();
        assertThat(stored.inputs()).isEqualTo(value);
        assertThat(stored.outputs()).isEqualTo(value);
        StepAttempt attempt = store.attempts(run.id()).getFirst();
        assertThat(attempt.input()).isEqualTo(value);
        assertThat(attempt.output()).isEqualTo(value);
        assertThat(store.events(run.id(), 0, 10)).extracting(RunEvent::entry).isEqualTo(journal);
        assertThat(value.get("big").isBigInteger()).isTrue();
    }

    @Test
    void keeps_large_json_values() {
        ObjectNode big = (ObjectNode) json("{}");
        var vectors = big.putArray("vectors");
        for (int i = 0; i < 1_500; i++) {
            var vector = vectors.addArray();
            for (int d = 0; d < 64; d++) {
                vector.add((i * 64 + d) / 1024.0);
            }
        }
        big.put("text", "lorem ipsum ".repeat(30_000));
        assertThat(big.toString().length()).as("JSON length").isGreaterThan(1 << 20);
        Run run = store.create(queued("default", "wf", 0));

        store.append(List.of(attemptStarted(run, "embed", 1, 1), new JournalEntry.AttemptFinished(run.id(), "embed", 1,
                AttemptStatus.SUCCEEDED, big, null, T0.plusMillis(2))));

        assertThat(store.attempts(run.id()).getFirst().output()).isEqualTo(big);
        assertThat(((JournalEntry.AttemptFinished) store.events(run.id(), 1, 1).getFirst().entry()).output())
                .isEqualTo(big);
    }
}
