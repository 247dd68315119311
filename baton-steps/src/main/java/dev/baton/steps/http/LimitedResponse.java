package dev.baton.steps.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Collects one response into memory, refusing bodies larger than a limit: as soon as the {@code Content-Length}
 * announces more than {@code limit} bytes, or more arrived, the response is aborted (which closes its
 * connection) with {@code UPSTREAM_INVALID_RESPONSE}. Jetty calls it from one thread at a time per response.
 */
final class LimitedResponse implements Response.Listener {
    /** A complete response: status, headers and the whole body (empty when none). */
    record Answer(int status, HttpFields headers, byte[] body) {
    }

    private final long limit;
    private final boolean head;
    private final CompletableFuture<Answer> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long received;

    /**
     * @param limit the largest body accepted, in bytes
     * @param head  whether the request is a HEAD (its {@code Content-Length} announces a body that never comes)
     */
    LimitedResponse(long limit, boolean head) {
        this.limit = limit;
        this.head = head;
    }

    /** Completes with the answer, or exceptionally with the exchange's failure. */
    CompletableFuture<Answer> result() {
        return result;
    }

    @Override
    public void onHeaders(Response response) {
        if (head) {
            return;
        }
        long announced;
        try {
            announced = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        } catch (NumberFormatException e) {
            announced = -1;
        }
        if (announced > limit) {
            response.abort(tooLarge("Content-Length " + announced));
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        received += content.remaining();
        if (received > limit) {
            response.abort(tooLarge("more than " + limit + " received"));
            return;
        }
        byte[] chunk = new byte[content.remaining()];
        content.get(chunk);
        bytes.writeBytes(chunk);
    }

    @Override
    public void onComplete(Result outcome) {
        if (outcome.isFailed()) {
            result.completeExceptionally(outcome.getFailure());
        } else {
            Response response = outcome.getResponse();
            result.complete(new Answer(response.getStatus(), response.getHeaders(), bytes.toByteArray()));
        }
    }

    private BatonException tooLarge(String detail) {
        return new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE,
                "response body is larger than the limit of " + limit + " bytes (" + detail + ")");
    }
}
