package dev.baton.steps.http;

import dev.baton.core.error.ErrorCode;

import java.util.Optional;
import java.util.Set;

/**
 * The one mapping from an HTTP response status to the outcome of an {@code http} step, following the common
 * split of upstream failures into retriable and non-retriable ones (as LangChain4j and most HTTP clients do):
 * <ul>
 *   <li>a status in {@code expectStatus} (default: any 2xx) → success;</li>
 *   <li>408 Request Timeout, 429 Too Many Requests and 5xx → {@code UPSTREAM_UNAVAILABLE} (retriable);</li>
 *   <li>every other status (other 4xx, unexpected 1xx/2xx/3xx) → {@code UPSTREAM_REJECTED} (not retriable).</li>
 * </ul>
 */
public final class HttpStatusMapping {
    private HttpStatusMapping() {
    }

    /**
     * @param status   the response status (100..599)
     * @param expected the accepted statuses; empty = any 2xx
     * @return empty when the status is a success, else the error code of the failure
     */
    public static Optional<ErrorCode> errorFor(int status, Set<Integer> expected) {
        boolean ok = expected.isEmpty() ? status >= 200 && status <= 299 : expected.contains(status);
        if (ok) {
            return Optional.empty();
        }
        return Optional.of(isRetriable(status) ? ErrorCode.UPSTREAM_UNAVAILABLE : ErrorCode.UPSTREAM_REJECTED);
    }

    /** Whether a failed call with this status is worth retrying: 408, 429 and 5xx. */
    public static boolean isRetriable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
