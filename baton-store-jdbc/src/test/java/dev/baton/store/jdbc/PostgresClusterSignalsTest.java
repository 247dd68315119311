package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignal;
import dev.baton.core.cluster.ClusterSignals;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** LISTEN/NOTIFY between two signal instances (two nodes) on a real PostgreSQL server. */
class PostgresClusterSignalsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;
    private ClusterSignals a;
    private ClusterSignals b;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        stores = Databases.openPostgres(postgres);
    }

    @AfterAll
    static void stop() throws IOException {
        stores.close();
        postgres.close();
    }

    @AfterEach
    void closeSignals() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void a_signal_reaches_the_other_node_and_the_sender_itself() throws Exception {
        a = listening(stores.signals());
        b = listening(stores.signals());
        BlockingQueue<ClusterSignal> atA = received(a);
        BlockingQueue<ClusterSignal> atB = received(b);

        a.publish(new ClusterSignal.WorkAvailable());
        a.publish(new ClusterSignal.CancelRequested("run-1", "stop: now"));

        assertThat(next(atB)).isEqualTo(new ClusterSignal.WorkAvailable());
        assertThat(next(atB)).isEqualTo(new ClusterSignal.CancelRequested("run-1", "stop: now"));
        assertThat(next(atA)).isEqualTo(new ClusterSignal.WorkAvailable());
    }

    @Test
    void changed_runs_arrive_coalesced_without_losing_a_run() throws Exception {
        a = listening(stores.signals());
        b = listening(stores.signals());
        BlockingQueue<ClusterSignal> atB = received(b);
        Set<String> published = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            a.publish(new ClusterSignal.RunsChanged(Set.of("run-" + i)));
            published.add("run-" + i);
        }

        Set<String> seen = new HashSet<>();
        int signals = 0;
        while (!seen.containsAll(published)) {
            var changed = (ClusterSignal.RunsChanged) next(atB);
            assertThat(changed.runIds()).as("named runs, not 'any'").isNotEmpty();
            seen.addAll(changed.runIds());
            signals++;
        }
        assertThat(seen).isEqualTo(published);
        assertThat(signals).as("coalesced into fewer notifications").isLessThanOrEqualTo(200);
    }

    @Test
    void publishing_never_throws_and_after_close_does_nothing() {
        a = stores.signals();
        a.close();

        a.publish(new ClusterSignal.WorkAvailable());
        a.publish(null);
        assertThat(((PgClusterSignals) a).listening()).isFalse();
    }

    @Test
    void a_listener_that_throws_does_not_stop_the_others() throws Exception {
        a = listening(stores.signals());
        a.subscribe(signal -> {
            throw new IllegalStateException("listener bug");
        });
        BlockingQueue<ClusterSignal> atA = received(a);

        a.publish(new ClusterSignal.WorkAvailable());
        a.publish(new ClusterSignal.RunsChanged(Set.of("r")));

        assertThat(next(atA)).isEqualTo(new ClusterSignal.WorkAvailable());
        assertThat(next(atA)).isEqualTo(new ClusterSignal.RunsChanged(Set.of("r")));
    }

    static ClusterSignals listening(ClusterSignals signals) throws InterruptedException {
        assertThat(((PgClusterSignals) signals).awaitListening(WAIT)).as("listening").isTrue();
        return signals;
    }

    static BlockingQueue<ClusterSignal> received(ClusterSignals signals) {
        BlockingQueue<ClusterSignal> queue = new LinkedBlockingQueue<>();
        signals.subscribe(queue::add);
        return queue;
    }

    static ClusterSignal next(BlockingQueue<ClusterSignal> queue) throws InterruptedException {
        ClusterSignal signal = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(signal).as("a signal within " + WAIT).isNotNull();
        return signal;
    }
}
