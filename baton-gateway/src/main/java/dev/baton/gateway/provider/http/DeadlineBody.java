package dev.baton.gateway.provider.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose reads honour a deadline: a read that would block past it
 * cancels the exchange (closing the connection) and throws {@link DeadlineExceeded} naming the timeout. This is
 * how the deployment's read, total, first-token and idle timeouts are enforced without a timer thread: the
 * reading thread waits for the next piece of body with {@code poll(remaining)}.
 *
 * <p>Flow control: one list of buffers is requested at a time, so a slow reader holds at most one network read in
 * memory (bounded memory with thousands of concurrent streams). An interrupted reader gets an
 * {@link InterruptedIOException} (interrupt flag set again) and the exchange is cancelled.
 *
 * <p>The HTTP client's threads call the subscriber methods; one reader thread calls the stream methods.
 */
final class DeadlineBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final CompletableFuture<InputStream> self = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    private Iterator<ByteBuffer> pending = List.<ByteBuffer>of().iterator();
    private ByteBuffer current;
    private boolean ended;
    private long deadlineNanos = Long.MAX_VALUE;
    private boolean hasDeadline;
    private String deadlineName = "";

    /** Sets the deadline ({@link System#nanoTime()} based) for the following reads, and the timeout's name. */
    void deadline(long nanoTime, String which) {
        this.deadlineNanos = nanoTime;
        this.hasDeadline = true;
        this.deadlineName = which;
    }

    // ---- subscriber side (HTTP client threads)

    @Override
    public CompletionStage<InputStream> getBody() {
        return self;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        arrivals.add(items);
    }

    @Override
    public void onError(Throwable error) {
        arrivals.add(error);
    }

    @Override
    public void onComplete() {
        arrivals.add(END);
    }

    // ---- reader side (one thread)

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    private boolean fill() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (pending.hasNext()) {
                current = pending.next();
                continue;
            }
            if (ended) {
                return false;
            }
            if (closed) {
                throw new IOException("response body closed");
            }
            Object next = take();
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof Throwable error) {
                ended = true;
                throw error instanceof IOException io ? io : new IOException(error);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> buffers = (List<ByteBuffer>) next;
            pending = buffers.iterator();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }
        return true;
    }

    private Object take() throws IOException {
        try {
            if (!hasDeadline) {
                return arrivals.take();
            }
            long wait = deadlineNanos - System.nanoTime();
            Object next = wait > 0 ? arrivals.poll(wait, TimeUnit.NANOSECONDS) : arrivals.poll();
            if (next == null) {
                close();
                throw new DeadlineExceeded(deadlineName);
            }
            return next;
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response body");
        }
    }

    /** Cancels the exchange when the body was not read to its end (the connection is closed, not reused). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
    }
}
