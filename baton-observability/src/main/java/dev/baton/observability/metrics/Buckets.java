package dev.baton.observability.metrics;

import java.time.Duration;
import java.util.Arrays;

/**
 * The classic Prometheus histogram buckets (upper bounds, exported in seconds) of each duration Baton measures,
 * chosen for the range each one spans. Few enough buckets (12–16) to keep series counts modest.
 */
final class Buckets {
    /** Whole runs: tens of milliseconds (transforms) to an hour (large fan-outs, slow models). */
    static final Duration[] RUN = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600);
    /** Waiting for admission: about nothing on an idle node, minutes when saturated. */
    static final Duration[] QUEUE_WAIT = seconds(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
            300);
    /** One step attempt: a millisecond (transform) to minutes (http, llm.chat with long answers). */
    static final Duration[] ATTEMPT = seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
            300);
    /** One gateway call, retries and failover included: tens of ms (cache, embeddings) to minutes (long chats). */
    static final Duration[] GATEWAY_CALL = seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);
    /** Time to the first token of a stream: what a chat user feels; interesting between 100 ms and a few s. */
    static final Duration[] FIRST_TOKEN = seconds(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30);

    private Buckets() {
    }

    private static Duration[] seconds(double... bounds) {
        return Arrays.stream(bounds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
