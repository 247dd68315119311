package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignal;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SignalPayloadsTest {

    @Test
    void a_batch_encodes_work_cancels_and_changed_runs_in_that_order() {
        List<String> payloads = SignalPayloads.encode(true,
                List.of(new ClusterSignal.CancelRequested("r1", "user asked"), new ClusterSignal.CancelRequested("r2", null)),
                false, List.of("r3", "r4"));

        assertThat(payloads).containsExactly("w", "c:r1:user asked", "c:r2", "r:r3,r4");
        assertThat(payloads.stream().map(SignalPayloads::decode).map(java.util.Optional::orElseThrow)).containsExactly(
                new ClusterSignal.WorkAvailable(), new ClusterSignal.CancelRequested("r1", "user asked"),
                new ClusterSignal.CancelRequested("r2", null), new ClusterSignal.RunsChanged(Set.of("r3", "r4")));
    }

    @Test
    void run_ids_with_separators_survive_the_round_trip() {
        String id = "odd:id,with%sep";
        List<String> payloads = SignalPayloads.encode(false, List.of(new ClusterSignal.CancelRequested(id, "a:b")),
                false, List.of(id));

        assertThat(SignalPayloads.decode(payloads.get(0))).contains(new ClusterSignal.CancelRequested(id, "a:b"));
        assertThat(SignalPayloads.decode(payloads.get(1))).contains(new ClusterSignal.RunsChanged(Set.of(id)));
    }

    @Test
    void many_changed_runs_split_into_payloads_under_the_limit() {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 900; i++) {
            ids.add(java.util.UUID.randomUUID().toString());
        }

        List<String> payloads = SignalPayloads.encode(false, List.of(), false, ids);

        assertThat(payloads).hasSizeGreaterThan(1)
                .allSatisfy(p -> assertThat(SignalPayloads.utf8Length(p)).isLessThanOrEqualTo(SignalPayloads.MAX_BYTES));
        Set<String> decoded = new HashSet<>();
        payloads.forEach(p -> decoded.addAll(((ClusterSignal.RunsChanged) SignalPayloads.decode(p).orElseThrow()).runIds()));
        assertThat(decoded).isEqualTo(ids);
    }

    @Test
    void too_many_changed_runs_become_any_run() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i <= SignalPayloads.MAX_NAMED_RUNS; i++) {
            ids.add("r" + i);
        }

        assertThat(SignalPayloads.encode(false, List.of(), false, ids)).containsExactly("r:*");
        assertThat(SignalPayloads.decode("r:*")).contains(new ClusterSignal.RunsChanged(Set.of()));
    }

    @Test
    void a_long_cancel_reason_is_cut_at_a_character_to_fit() {
        String reason = "é".repeat(6000) + "🙂";

        String payload = SignalPayloads.encode(false, List.of(new ClusterSignal.CancelRequested("r1", reason)), false,
                List.of()).getFirst();

        assertThat(SignalPayloads.utf8Length(payload)).isLessThanOrEqualTo(SignalPayloads.MAX_BYTES);
        var decoded = (ClusterSignal.CancelRequested) SignalPayloads.decode(payload).orElseThrow();
        assertThat(reason).startsWith(decoded.reason());
        assertThat(decoded.reason()).hasSizeGreaterThan(3000).matches("é+");
    }

    @Test
    void unknown_payloads_are_ignored() {
        assertThat(SignalPayloads.decode("x:future")).isEmpty();
        assertThat(SignalPayloads.decode("r:")).isEmpty();
        assertThat(SignalPayloads.decode("")).isEmpty();
    }
}
