package dev.baton.observability.metrics;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CappedLabelsTest {

    @Test
    void gives_the_first_values_a_holder_each_and_the_rest_the_holder_of_other() {
        var made = new AtomicInteger();
        var labels = new CappedLabels<>(2, value -> value + "#" + made.incrementAndGet());

        assertThat(labels.get("a")).isEqualTo("a#1");
        assertThat(labels.get("b")).isEqualTo("b#2");
        assertThat(labels.get("a")).isEqualTo("a#1");
        assertThat(labels.get("c")).isEqualTo("other#3");
        assertThat(labels.get("d")).isEqualTo("other#3");
        assertThat(labels.admitted()).isEqualTo(2);
    }

    @Test
    void the_cap_is_exact_when_many_threads_bring_new_values_at_once() throws Exception {
        var labels = new CappedLabels<>(10, value -> value);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        var start = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                String value = "wf-" + i;
                threads.submit(() -> {
                    start.await();
                    seen.add(labels.get(value));
                    return null;
                });
            }
            start.countDown();
        }

        assertThat(labels.admitted()).isEqualTo(10);
        assertThat(seen).hasSize(11).contains(CappedLabels.OTHER);
    }

    @Test
    void rejects_a_cap_below_one() {
        assertThatThrownBy(() -> new CappedLabels<>(0, v -> v)).isInstanceOf(IllegalArgumentException.class);
    }
}
