package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignals;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.baton.core.store.StoreFixtures.queued;
import static dev.baton.core.store.StoreFixtures.runStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded H2 database serves one node: no leases, no signals, and the fenced append fences nothing. */
class H2ClusterTest {

    @Test
    void h2_has_no_leases_and_no_signals_but_accepts_the_fenced_append() {
        try (JdbcStores h2 = JdbcStores.open(new StoreConfig("jdbc:h2:mem:cluster-" + System.nanoTime(), "", "", 1))) {
            assertThat(h2.signals()).isSameAs(ClusterSignals.NONE);
            assertThatThrownBy(h2::leases).isInstanceOfSatisfying(BatonException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("PostgreSQL");
            });

            Run run = h2.runs().create(queued("t", "wf", 1));
            h2.runs().append(List.of(runStarted(run, 1)), "node-a");

            assertThat(h2.runs().events(run.id(), 0, 10)).hasSize(1);
        }
    }
}
