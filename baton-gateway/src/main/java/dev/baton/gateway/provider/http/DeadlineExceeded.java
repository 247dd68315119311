package dev.baton.gateway.provider.http;

import java.io.IOException;

/**
 * Thrown by a {@link DeadlineBody} read when the deadline set for it passed; the message names the timeout
 * (e.g. {@code "idle timeout (200 ms)"}). Mapped to {@code TIMEOUT} by {@link UpstreamFailures#forTransport}.
 */
final class DeadlineExceeded extends IOException {
    DeadlineExceeded(String which) {
        super(which);
    }

    @Override
    public Throwable fillInStackTrace() {
        return this;
    }
}
