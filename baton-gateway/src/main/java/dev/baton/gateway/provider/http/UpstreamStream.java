package dev.baton.gateway.provider.http;

import dev.baton.core.error.BatonException;
import dev.baton.gateway.config.Timeouts;

import java.io.IOException;
import java.time.Duration;

/**
 * An open server-sent-events response. Until the provider calls {@link #firstTokenReceived()} every read is bounded
 * by the deployment's first-token deadline (counted from sending the request); afterwards each read may wait at most
 * the idle timeout. Closing before the end cancels the exchange and closes the connection.
 *
 * <p>Used by one thread.
 */
public final class UpstreamStream implements AutoCloseable {
    private static final Duration DRAIN = Duration.ofSeconds(1);

    private final UpstreamCall call;
    private final DeadlineBody body;
    private final ServerSentEventReader reader;
    private final long firstTokenDeadline;
    private final String firstTokenName;
    private final String idleName;
    private final UpstreamSpan span;
    private boolean firstToken;

    UpstreamStream(UpstreamCall call, DeadlineBody body, long startNanos, UpstreamSpan span) {
        this.span = span;
        Timeouts t = call.timeouts();
        this.call = call;
        this.body = body;
        this.reader = new ServerSentEventReader(body);
        this.firstTokenDeadline = startNanos + t.firstToken().toNanos();
        this.firstTokenName = UpstreamHttp.name("first-token timeout", t.firstToken());
        this.idleName = UpstreamHttp.name("idle timeout", t.idle());
    }

    /**
     * The next event.
     *
     * @return the event, or {@code null} at the end of the stream
     * @throws BatonException {@code TIMEOUT} (first-token or idle), {@code UPSTREAM_UNAVAILABLE} when the
     *                        connection failed or the body was cut, {@code CANCELLED} on interruption
     */
    public ServerSentEvent next() {
        if (firstToken) {
            body.deadline(System.nanoTime() + call.timeouts().idle().toNanos(), idleName);
        } else {
            body.deadline(firstTokenDeadline, firstTokenName);
        }
        try {
            return reader.next();
        } catch (IOException e) {
            body.close();
            BatonException failure = UpstreamFailures.forTransport(call.target(), e, call.apiKey());
            span.failed(failure);
            throw failure;
        } catch (BatonException e) {
            span.failed(e);
            throw e;
        }
    }

    /** Switches from the first-token deadline to the idle timeout. Idempotent. */
    public void firstTokenReceived() {
        firstToken = true;
    }

    /** What was called, for messages. */
    public String target() {
        return call.target();
    }

    /** The API key in use, for redaction only; {@code null} for none. */
    public String apiKey() {
        return call.apiKey();
    }

    /**
     * Ends a stream whose terminator was read: waits briefly for the end of the body so the connection can be
     * reused, then closes. Never throws.
     */
    public void finish() {
        long limit = Math.min(DRAIN.toNanos(), call.timeouts().idle().toNanos());
        body.deadline(System.nanoTime() + limit, idleName);
        try {
            while (reader.next() != null) {
                // a well-behaved upstream sends nothing after its terminator
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is closed below instead of reused
        }
        close();
    }

    /** Closes the connection (cancelling the exchange if the end was not read) and ends the attempt's span. */
    @Override
    public void close() {
        try {
            body.close();
        } finally {
            span.end();
        }
    }
}
