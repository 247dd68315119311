package dev.baton.server.api;

import dev.baton.core.engine.Engine;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.store.RunStore;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /runs/{id}/events}: a run's events as Server-Sent Events (text/event-stream). Replays the stored
 * events after {@code Last-Event-ID} (or {@code ?after=N}; 0 = from the start), then follows live events, and
 * ends after the run's terminal event ({@code run-finished}). Each event carries {@code id: <sequence>},
 * {@code event: <type>} and {@code data: <one-line JSON>} (see {@link WireFormat#event}). A comment line is
 * sent every {@code keepAlive} so proxies keep the connection open. The run must belong to the tenant of the
 * request's principal (another tenant's run answers 404 like a missing one).
 *
 * <p>The handler blocks its (virtual) request thread for the life of the stream; the engine's listener only
 * enqueues, so a slow client never blocks the engine. {@link #closeAll()} ends open streams when the server
 * stops. Thread-safe.
 */
final class RunEventStream {
    private static final Logger LOG = LoggerFactory.getLogger(RunEventStream.class);
    private static final int REPLAY_PAGE = 1000;
    /** Put into a stream's queue to end it (server stopping). */
    private static final Object STOP = new Object();

    private final Engine engine;
    private final RunStore runs;
    private final WireFormat wire;
    private final Duration keepAlive;
    private final Set<BlockingQueue<Object>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RunEventStream(Engine engine, RunStore runs, WireFormat wire, Duration keepAlive) {
        this.engine = engine;
        this.runs = runs;
        this.wire = wire;
        this.keepAlive = keepAlive;
    }

    /** Ends every open stream (the server is stopping); new requests get 503. */
    void closeAll() {
        closed = true;
        open.forEach(queue -> queue.add(STOP));
    }

    void stream(Context ctx) throws InterruptedException {
        if (closed) {
            throw new BatonException(ErrorCode.NOT_READY, "the server is stopping");
        }
        String tenant = RequestPrincipal.tenant(ctx);
        String runId = ctx.pathParam("id");
        Run run = runs.find(tenant, runId).orElseThrow(() -> BatonException.notFound("run", runId));
        long after = lastEventId(ctx);

        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        try {
            OutputStream out = res.getOutputStream();
            out.write(": events of run ".concat(runId).concat("\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (run.status().isTerminal()) {
                replayStored(out, runId, after);
                return;
            }
            follow(out, tenant, runId, after);
        } catch (IOException e) {
            LOG.debug("event stream of run {} closed by the client: {}", runId, e.getMessage());
        }
    }

    private void follow(OutputStream out, String tenant, String runId, long after)
            throws IOException, InterruptedException {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        long last = after;
        open.add(queue);
        Engine.Subscription subscription = engine.subscribe(tenant, runId, after, queue::add);
        try {
            while (!closed) {
                Object next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (next == STOP) {
                    return;
                }
                if (!(next instanceof RunEvent event)) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    boolean finished = runs.find(tenant, runId).map(r -> r.status().isTerminal()).orElse(true);
                    if (finished && queue.isEmpty()) {
                        replayStored(out, runId, last); // whatever the subscription may have missed
                        return;
                    }
                    continue;
                }
                if (event.sequence() <= last) {
                    continue;
                }
                write(out, event);
                last = event.sequence();
                if (event.entry() instanceof JournalEntry.RunFinished) {
                    return;
                }
            }
        } finally {
            open.remove(queue);
            subscription.close();
        }
    }

    private void replayStored(OutputStream out, String runId, long after) throws IOException {
        long last = after;
        while (true) {
            List<RunEvent> page = runs.events(runId, last, REPLAY_PAGE);
            for (RunEvent event : page) {
                write(out, event);
                last = event.sequence();
            }
            if (page.size() < REPLAY_PAGE) {
                return;
            }
        }
    }

    private void write(OutputStream out, RunEvent event) throws IOException {
        String frame = "id: " + event.sequence() + "\n"
                       + "event: " + WireFormat.eventType(event.entry()) + "\n"
                       + "data: " + wire.event(event) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static long lastEventId(Context ctx) {
        String header = ctx.header("Last-Event-ID");
        String text = header != null ? header : ctx.queryParam("after");
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw BatonException.invalidInput(header != null ? "Last-Event-ID" : "after",
                "must be a non-negative event sequence number, got '" + text + "'");
    }
}
