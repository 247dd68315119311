package dev.baton.observability.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.SecretRef;
import dev.baton.observability.AlertSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Posts every alert that fires or resolves to the configured webhook as JSON:
 * {@code {version: 1, status: "firing"|"resolved", node, sentAt, alert: {...}}} (the alert as in
 * {@link AlertDocument}). {@link #changed} only queues the alert (bounded at {@value #QUEUE_CAPACITY}; beyond,
 * the newest is dropped and logged), so evaluation never waits for the receiver; one virtual thread delivers in
 * order.
 *
 * <p>Delivery: JDK {@link HttpClient}, the configured timeout per request, up to {@code maxAttempts} attempts;
 * a 2xx answer succeeds; a connection error, a timeout, 408, 429 or 5xx is retried after an exponential backoff
 * (1 s, 2 s, 4 s, … capped at 30 s, each scaled by a random factor in [0.5, 1] so several nodes do not retry
 * in step — "full jitter" lite, see the AWS Architecture Blog "Exponential Backoff And Jitter", 2015); any other
 * status is not retried. Header values are secret references resolved at each delivery (a rotated file is picked
 * up); an unresolvable one drops the notification with a log line naming the reference, never a value.
 *
 * <p>Thread-safe. {@link #close()} stops after the notification in progress (pending retries are abandoned).
 */
public final class WebhookNotifier implements AlertListener, AutoCloseable {
    static final int QUEUE_CAPACITY = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Alert STOP = new Alert("stop", "stop", "stop", AlertState.FIRING, Instant.EPOCH,
            null, 0, 0, "stop", "stop", "stop");

    /** Waits between attempts (injected: tests record the waits instead of sleeping). */
    @FunctionalInterface
    public interface Sleeper {
        /** The real one. */
        Sleeper REAL = duration -> Thread.sleep(duration);

        void sleep(Duration duration) throws InterruptedException;
    }

    private final AlertSettings.Webhook settings;
    private final Map<String, String> environment;
    private final String node;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client;
    private final BlockingQueue<Alert> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread worker;
    private volatile boolean closed;
    private final AtomicLong handled = new AtomicLong();

    /**
     * Checks that every header's secret resolves now (so a missing variable fails at start), then starts the
     * delivering thread.
     *
     * @param environment the process environment ({@code System.getenv()}; injected for tests)
     * @param node        the name of this node in payloads (e.g. the host name)
     * @throws BatonException INVALID_INPUT naming the header whose secret cannot be resolved
     */
    public WebhookNotifier(AlertSettings.Webhook settings, Map<String, String> environment, String node,
                           InstantSource clock, Sleeper sleeper, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.environment = Map.copyOf(environment);
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        headers();
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.worker = Thread.ofVirtual().name("baton-alert-webhook").start(this::deliverAll);
    }

    @Override
    public void changed(Alert alert) {
        if (closed) {
            return;
        }
        if (!queue.offer(alert)) {
            LOG.warn("alert webhook queue is full ({} notifications); dropped {} {}", QUEUE_CAPACITY,
                    alert.state().wireName(), alert.id());
        }
    }

    private void deliverAll() {
        try {
            while (true) {
                Alert alert = queue.take();
                if (alert == STOP || closed) {
                    return;
                }
                try {
                    deliver(alert);
                } catch (RuntimeException e) {
                    // e.g. the HTTP client refusing a header name or value: this notification is lost, the
                    // worker goes on with the next one
                    LOG.warn("alert webhook notification {} {} dropped: {}", alert.state().wireName(), alert.id(),
                            e.toString());
                }
                handled.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one notification with retries; returns whether the receiver accepted it. */
    boolean deliver(Alert alert) throws InterruptedException {
        Map<String, String> headers;
        try {
            headers = headers();
        } catch (BatonException e) {
            LOG.warn("alert webhook notification {} {} dropped: {}", alert.state().wireName(), alert.id(),
                    e.getMessage());
            return false;
        }
        byte[] body = payload(alert);
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            String outcome;
            boolean retriable;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(settings.url()).timeout(settings.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "baton-alerts")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach(request::header);
                HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return true;
                }
                outcome = "status " + status;
                retriable = status == 408 || status == 429 || status >= 500;
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
                retriable = true;
            }
            if (!retriable || attempt >= settings.maxAttempts() || closed) {
                LOG.warn("alert webhook notification {} {} failed after {} attempt(s): {}",
                        alert.state().wireName(), alert.id(), attempt, outcome);
                return false;
            }
            LOG.debug("alert webhook attempt {} for {} failed ({}); retrying", attempt, alert.id(), outcome);
            sleeper.sleep(Duration.ofMillis((long) (backoff.toMillis() * (0.5 + 0.5 * random.nextDouble()))));
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private Map<String, String> headers() {
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, SecretRef> header : settings.headers().entrySet()) {
            try {
                resolved.put(header.getKey(), header.getValue().resolve(environment));
            } catch (BatonException e) {
                throw BatonException.invalidInput("observability.alerts.webhook.headers." + header.getKey(),
                        e.getMessage());
            }
        }
        return resolved;
    }

    /** The JSON body posted for {@code alert}. */
    byte[] payload(Alert alert) {
        ObjectNode body = json.createObjectNode();
        body.put("version", 1);
        body.put("status", alert.state().wireName());
        body.put("node", node);
        body.put("sentAt", clock.instant().toString());
        AlertDocument.write(body.putObject("alert"), alert);
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise an alert", e);
        }
    }

    /** Notifications the worker is done with, delivered or not (tests wait on it). */
    long handled() {
        return handled.get();
    }

    /** Whether the delivering thread is running. */
    boolean workerAlive() {
        return worker.isAlive();
    }

    /** Stops delivering: the notification in progress finishes its current attempt, queued ones are dropped. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        queue.offer(STOP);
        try {
            if (!worker.join(Duration.ofMillis(settings.timeout().toMillis() + 1000))) {
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
