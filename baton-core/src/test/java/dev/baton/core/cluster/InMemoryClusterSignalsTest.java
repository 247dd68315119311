package dev.baton.core.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryClusterSignalsTest {

    @Test
    void every_member_receives_every_signal_in_order_the_publisher_included() throws Exception {
        InMemoryClusterSignals bus = new InMemoryClusterSignals();
        ClusterSignals a = bus.join();
        ClusterSignals b = bus.join();
        List<ClusterSignal> seenByA = new CopyOnWriteArrayList<>();
        List<ClusterSignal> seenByB = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        a.subscribe(s -> record(seenByA, s, done));
        b.subscribe(s -> record(seenByB, s, done));
        List<ClusterSignal> sent = List.of(new ClusterSignal.WorkAvailable(),
                new ClusterSignal.RunsChanged(Set.of("r1")), new ClusterSignal.CancelRequested("r2", "stop"));

        sent.forEach(a::publish);

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seenByA).containsExactlyElementsOf(sent);
        assertThat(seenByB).containsExactlyElementsOf(sent);
        a.close();
        b.close();
    }

    @Test
    void a_closed_member_and_dropped_signals_reach_no_one() throws Exception {
        InMemoryClusterSignals bus = new InMemoryClusterSignals();
        ClusterSignals a = bus.join();
        ClusterSignals b = bus.join();
        List<ClusterSignal> seenByB = new CopyOnWriteArrayList<>();
        CountDownLatch last = new CountDownLatch(1);
        b.subscribe(s -> {
            seenByB.add(s);
            if (s instanceof ClusterSignal.CancelRequested) {
                last.countDown();
            }
        });
        List<ClusterSignal> seenByA = new CopyOnWriteArrayList<>();
        a.subscribe(seenByA::add);
        a.close();

        bus.dropSignals(true);
        b.publish(new ClusterSignal.WorkAvailable());
        bus.dropSignals(false);
        b.publish(new ClusterSignal.CancelRequested("r", null));

        assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seenByB).containsExactly(new ClusterSignal.CancelRequested("r", null));
        assertThat(seenByA).isEmpty();
        b.close();
    }

    private static void record(List<ClusterSignal> seen, ClusterSignal signal, CountDownLatch done) {
        seen.add(signal);
        if (signal instanceof ClusterSignal.CancelRequested) {
            done.countDown();
        }
    }
}
