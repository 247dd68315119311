package dev.baton.steps.http;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into memory, refusing bodies larger than a limit: as soon as more than {@code limit}
 * bytes arrived (or the {@code Content-Length} announces more) the subscription is cancelled, which closes the
 * connection, and the body fails with {@code UPSTREAM_INVALID_RESPONSE}. Used by one response at a time.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final long announced;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private long received;

    private LimitedBody(long limit, long announced) {
        this.limit = limit;
        this.announced = announced;
    }

    /** A body handler applying {@code limit} bytes to every response. */
    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> new LimitedBody(limit, info.headers().firstValueAsLong("content-length").orElse(-1));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (announced > limit) {
            tooLarge(announced);
            return;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            received += item.remaining();
            if (received > limit) {
                tooLarge(received);
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }

    private void tooLarge(long size) {
        subscription.cancel();
        result.completeExceptionally(new BatonException(ErrorCode.UPSTREAM_INVALID_RESPONSE,
                "response body is larger than the limit of " + limit + " bytes (" + (announced > limit
                        ? "Content-Length " + size : "more than " + limit + " received") + ")"));
    }
}
