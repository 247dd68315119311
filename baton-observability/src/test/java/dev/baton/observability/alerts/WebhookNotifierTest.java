package dev.baton.observability.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.SecretRef;
import dev.baton.observability.AlertSettings;
import dev.baton.observability.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Delivery to a real HTTP receiver on 127.0.0.1; backoff waits are recorded, not slept. */
class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FIRED = Instant.parse("2026-01-01T00:05:00Z");

    /** One received request. */
    record Received(String body, Map<String, List<String>> headers) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    /** Status per request in order; the last one repeats. */
    private final List<Integer> statuses = new CopyOnWriteArrayList<>(List.of(200));
    private final AtomicInteger requests = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final ManualClock clock = new ManualClock();
    private WebhookNotifier notifier;

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String body = new String(exchange.getRequestBody().readAllBytes());
        int n = requests.getAndIncrement();
        int status = statuses.get(Math.min(n, statuses.size() - 1));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
        received.add(new Received(body, Map.copyOf(exchange.getRequestHeaders())));
    }

    @AfterEach
    void stop() {
        hold.countDown();
        if (notifier != null) {
            notifier.close();
        }
        server.stop(0);
    }

    private WebhookNotifier notifier(Map<String, SecretRef> headers, Map<String, String> env, int maxAttempts) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        notifier = new WebhookNotifier(new AlertSettings.Webhook(url, headers, Duration.ofSeconds(5), maxAttempts),
                env, "node-1", clock, waits::add, new SplittableRandom(7));
        return notifier;
    }

    private static Alert firing() {
        return new Alert("cpu:host:1", "cpu", "host", AlertState.FIRING, FIRED, null, 93.25, 80, "percent",
                "host CPU busy at 93.3%", "lower engine.maxConcurrentAttempts");
    }

    private Received next() throws InterruptedException {
        Received r = received.poll(20, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the receiver").isNotNull();
        return r;
    }

    @Test
    void posts_firing_then_resolved_as_json_in_order() throws Exception {
        notifier(Map.of(), Map.of(), 3);
        Alert alert = firing();

        notifier.changed(alert);
        notifier.changed(alert.resolve(FIRED.plusSeconds(60)));

        JsonNode fired = next().json();
        assertThat(fired.get("version").asInt()).isEqualTo(1);
        assertThat(fired.get("status").asText()).isEqualTo("firing");
        assertThat(fired.get("node").asText()).isEqualTo("node-1");
        assertThat(fired.get("sentAt").asText()).isEqualTo(clock.instant().toString());
        JsonNode body = fired.get("alert");
        assertThat(body.get("id").asText()).isEqualTo("cpu:host:1");
        assertThat(body.get("rule").asText()).isEqualTo("cpu");
        assertThat(body.get("state").asText()).isEqualTo("firing");
        assertThat(body.get("firedAt").asText()).isEqualTo("2026-01-01T00:05:00Z");
        assertThat(body.get("resolvedAt").isNull()).isTrue();
        assertThat(body.get("value").asDouble()).isEqualTo(93.25);
        assertThat(body.get("threshold").asDouble()).isEqualTo(80.0);
        assertThat(body.get("recommendation").asText()).contains("maxConcurrentAttempts");

        JsonNode resolved = next().json();
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.at("/alert/resolvedAt").asText()).isEqualTo("2026-01-01T00:06:00Z");
        assertThat(waits).isEmpty();
    }

    @Test
    void retries_a_failing_receiver_with_growing_backoff_until_it_recovers() throws Exception {
        statuses.clear();
        statuses.addAll(List.of(503, 500, 200));
        notifier(Map.of(), Map.of(), 4);

        notifier.changed(firing());

        next();
        next();
        Received third = next();
        assertThat(third.json().at("/alert/id").asText()).isEqualTo("cpu:host:1");
        assertThat(requests.get()).isEqualTo(3);
        assertThat(waits).hasSize(2);
        // 1 s then 2 s, each scaled by a jitter in [0.5, 1]
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(waits.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void gives_up_after_max_attempts_and_goes_on_with_the_next_notification() throws Exception {
        statuses.clear();
        statuses.addAll(List.of(502, 502, 200));
        notifier(Map.of(), Map.of(), 2);

        notifier.changed(firing());
        notifier.changed(firing().resolve(FIRED.plusSeconds(5)));

        assertThat(next().json().get("status").asText()).isEqualTo("firing");
        assertThat(next().json().get("status").asText()).isEqualTo("firing");
        assertThat(next().json().get("status").asText()).isEqualTo("resolved");
        assertThat(waits).hasSize(1);
    }

    @Test
    void a_notification_the_http_client_refuses_is_dropped_and_the_worker_goes_on() throws Exception {
        // a header the JDK client refuses (reading the configuration rejects it; a hand-built one is not checked)
        notifier(Map.of("Connection", SecretRef.parse("h", "env:CONN")), Map.of("CONN", "close"), 1);
        notifier.changed(firing());
        notifier.changed(firing().resolve(FIRED.plusSeconds(5)));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (notifier.handled() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(notifier.handled()).as("both notifications handled by the same worker").isEqualTo(2);
        assertThat(notifier.workerAlive()).isTrue();
        assertThat(received).isEmpty();
    }

    @Test
    void a_client_error_is_not_retried() throws Exception {
        statuses.clear();
        statuses.addAll(List.of(400, 200));
        notifier(Map.of(), Map.of(), 5);

        notifier.changed(firing());
        notifier.changed(firing().resolve(FIRED.plusSeconds(5)));

        assertThat(next().json().get("status").asText()).isEqualTo("firing");
        assertThat(next().json().get("status").asText()).isEqualTo("resolved");
        assertThat(waits).isEmpty();
    }

    @Test
    void secret_headers_are_resolved_from_the_environment_and_from_files(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hook-key");
        Files.writeString(file, "file-secret\n");
        notifier(Map.of("Authorization", new SecretRef("env", "HOOK_TOKEN"),
                "X-Hook-Key", new SecretRef("file", file.toString())), Map.of("HOOK_TOKEN", "Bearer s3cret"), 1);

        notifier.changed(firing());

        Received request = next();
        assertThat(request.headers().get("Authorization")).containsExactly("Bearer s3cret");
        assertThat(request.headers().get("X-hook-key")).containsExactly("file-secret");
        assertThat(request.headers().get("Content-type")).containsExactly("application/json");
    }

    @Test
    void an_unset_secret_fails_at_start_naming_the_header_not_a_value() {
        assertThatThrownBy(() -> notifier(Map.of("Authorization", new SecretRef("env", "MISSING_TOKEN")), Map.of(), 1))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.getMessage()).contains("observability.alerts.webhook.headers.Authorization",
                            "MISSING_TOKEN");
                    assertThat(e.errors()).singleElement().extracting(f -> f.field())
                            .isEqualTo("observability.alerts.webhook.headers.Authorization");
                });
    }

    @Test
    void a_hanging_receiver_never_blocks_the_evaluating_thread() throws Exception {
        hold = new CountDownLatch(1);
        notifier(Map.of(), Map.of(), 1);

        for (int i = 0; i < 50; i++) {
            notifier.changed(firing()); // returns at once although the receiver holds the first request
        }
        assertThat(received).isEmpty();

        hold.countDown();
        for (int i = 0; i < 50; i++) {
            next();
        }
        assertThat(requests.get()).isEqualTo(50);
    }
}
