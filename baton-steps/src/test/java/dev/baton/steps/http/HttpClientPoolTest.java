package dev.baton.steps.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpClientPoolTest {
    private final List<HttpClient> created = new ArrayList<>();

    private HttpClient newClient() {
        HttpClient client = HttpClient.newHttpClient();
        synchronized (created) {
            created.add(client);
        }
        return client;
    }

    @Test
    void builds_no_client_before_first_use() {
        try (HttpClientPool<HttpClient> pool = new HttpClientPool<>(4, this::newClient, HttpClient::shutdownNow)) {
            assertThat(pool.built()).isZero();
            assertThat(created).isEmpty();
        }
    }

    @Test
    void hands_out_every_client_in_turn_and_reuses_them() {
        try (HttpClientPool<HttpClient> pool = new HttpClientPool<>(3, this::newClient, HttpClient::shutdownNow)) {
            List<HttpClient> first = List.of(pool.next(), pool.next(), pool.next());
            List<HttpClient> second = List.of(pool.next(), pool.next(), pool.next());

            assertThat(first).doesNotHaveDuplicates();
            assertThat(second).containsExactlyElementsOf(first);
            assertThat(created).hasSize(3);
            assertThat(pool.built()).isEqualTo(3);
        }
    }

    @Test
    void spreads_concurrent_callers_evenly_over_the_clients() throws InterruptedException {
        int threads = 16;
        int callsPerThread = 250;
        Map<HttpClient, Integer> uses = new IdentityHashMap<>();
        try (HttpClientPool<HttpClient> pool = new HttpClientPool<>(4, this::newClient, HttpClient::shutdownNow)) {
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                callers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < callsPerThread; i++) {
                        HttpClient client = pool.next();
                        synchronized (uses) {
                            uses.merge(client, 1, Integer::sum);
                        }
                    }
                }));
            }
            for (Thread caller : callers) {
                caller.join();
            }
            assertThat(uses).hasSize(4);
            assertThat(uses.values()).allMatch(n -> n == threads * callsPerThread / 4);
            assertThat(pool.built()).isEqualTo(4);
        }
    }

    @Test
    void close_shuts_down_every_built_client_and_refuses_further_use() throws InterruptedException {
        HttpClientPool<HttpClient> pool = new HttpClientPool<>(2, this::newClient, HttpClient::shutdownNow);
        pool.next();
        pool.next();

        pool.close();

        assertThat(created).hasSize(2);
        for (HttpClient client : created) {
            // shutdownNow() is asynchronous: the client's selector thread stops shortly after.
            assertThat(client.awaitTermination(java.time.Duration.ofMinutes(1))).isTrue();
        }
        assertThatThrownBy(pool::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void rejects_sizes_outside_the_allowed_range() {
        assertThatThrownBy(() -> new HttpClientPool<>(0, this::newClient, HttpClient::shutdownNow))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..256");
        assertThatThrownBy(() -> new HttpStepSettings(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1),
                1024, 257)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clients");
    }
}
