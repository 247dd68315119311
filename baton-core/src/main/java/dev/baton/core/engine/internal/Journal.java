package dev.baton.core.engine.internal;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The group-committed journal. Entries of all runs are queued to one writer thread that appends them to
 * {@link RunStore#append} in batches, one store transaction per batch, and completes each entry's future once its
 * batch is durable. The engine acts on a state change only after that future completes.
 *
 * <p>Failure handling: a retriable store failure ({@code STORE_UNAVAILABLE}) retries the same batch with capped
 * exponential backoff (10 ms to 1 s, wall clock: this is an operational pause, not engine time) until it succeeds
 * or the journal is closed. A non-retriable failure of a batch is narrowed down by appending its requests one by
 * one, so one bad entry (e.g. an unknown run) fails only its own future.
 *
 * <p>New runs go the same way ({@link #create}): the runs of concurrent {@code start} calls are stored with
 * {@link RunStore#createAll}, one transaction per batch (written before the batch's entries), instead of one
 * transaction each.
 *
 * <p>In a cluster the journal writes with {@link RunStore#append(List, String)}, fenced by this node's run leases;
 * a request refused with {@code LEASE_LOST} is reported to {@code onLeaseLost} (before its future fails), so the
 * engine stops working on that run.
 *
 * <p>Futures complete on the writer thread: continuations must be short (post to a run's mailbox).
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** Wakes the writer on close so it notices without waiting for its poll timeout. */
    private static final Work WAKE = new Request(List.of(), new CompletableFuture<>());

    private final RunStore store;
    private final int batchSize;
    private final Consumer<List<JournalEntry>> onDurable;
    /** This node's id in its cluster (appends are fenced), or {@code null} for a single node. */
    private final String nodeId;
    private final Consumer<Set<String>> onLeaseLost;
    private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param onDurable told about every durable batch (before its futures complete), e.g. to wake event followers;
     *                  must not block
     */
    Journal(RunStore store, int batchSize, Consumer<List<JournalEntry>> onDurable) {
        this(store, batchSize, onDurable, null, runIds -> { });
    }

    /**
     * @param nodeId      this node's cluster id: appends are fenced by its leases; {@code null} for a single node
     * @param onLeaseLost told (on the writer thread, before the request's future fails) the runs of a request the
     *                    store refused with {@code LEASE_LOST}; must not block
     */
    Journal(RunStore store, int batchSize, Consumer<List<JournalEntry>> onDurable, String nodeId,
            Consumer<Set<String>> onLeaseLost) {
        this.store = store;
        this.batchSize = batchSize;
        this.onDurable = onDurable;
        this.nodeId = nodeId;
        this.onLeaseLost = onLeaseLost;
        this.writer = Thread.ofPlatform().daemon().name("baton-journal").start(this::write);
    }

    /** Queues one entry; the future completes when it is durable. */
    CompletableFuture<Void> append(JournalEntry entry) {
        return append(List.of(entry));
    }

    /** Queues entries that must be written in the same transaction. */
    CompletableFuture<Void> append(List<JournalEntry> entries) {
        Request request = new Request(List.copyOf(entries), new CompletableFuture<>());
        if (closed) {
            request.done.completeExceptionally(closedError());
            return request.done;
        }
        queue.add(request);
        if (closed && queue.remove(request)) {
            request.done.completeExceptionally(closedError());
        }
        return request.done;
    }

    /**
     * Queues a new run to be stored; the future completes with the run as stored (or the earlier run its
     * idempotency key resolves to) once it is durable, or fails with the store's error.
     */
    CompletableFuture<Run> create(Run run) {
        Creation creation = new Creation(run, new CompletableFuture<>());
        if (closed) {
            creation.done.completeExceptionally(closedError());
            return creation.done;
        }
        queue.add(creation);
        if (closed && queue.remove(creation)) {
            creation.done.completeExceptionally(closedError());
        }
        return creation.done;
    }

    private void write() {
        List<Work> batch = new ArrayList<>();
        while (true) {
            try {
                Work first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                if (first == WAKE) {
                    if (queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                int size = first.size();
                Work next;
                while (size < batchSize && (next = queue.poll()) != null) {
                    if (next == WAKE) {
                        continue;
                    }
                    batch.add(next);
                    size += next.size();
                }
                List<Creation> creations = new ArrayList<>();
                List<Request> requests = new ArrayList<>();
                for (Work work : batch) {
                    switch (work) {
                        case Creation c -> creations.add(c);
                        case Request r -> requests.add(r);
                    }
                }
                if (!creations.isEmpty()) {
                    create(creations);
                }
                if (!requests.isEmpty()) {
                    commit(requests);
                }
            } catch (InterruptedException e) {
                if (closed) {
                    batch.forEach(w -> w.fail(closedError()));
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.error("journal writer failed", e);
                batch.forEach(w -> w.fail(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Stores a batch of new runs: one transaction, retried like appends; a refused batch is split into runs. */
    private void create(List<Creation> creations) throws InterruptedException {
        long backoffMillis = 10;
        while (true) {
            try {
                List<Run> stored = store.createAll(creations.stream().map(Creation::run).toList());
                for (int i = 0; i < creations.size(); i++) {
                    creations.get(i).done.complete(stored.get(i));
                }
                return;
            } catch (BatonException e) {
                if (!e.retriable()) {
                    if (creations.size() > 1) {
                        for (Creation creation : creations) {
                            create(List.of(creation));
                        }
                    } else {
                        creations.getFirst().done.completeExceptionally(e);
                    }
                    return;
                }
                if (closed) {
                    creations.forEach(c -> c.done.completeExceptionally(e));
                    return;
                }
                LOG.warn("storing {} new runs failed, retrying in {} ms: {}", creations.size(), backoffMillis,
                        e.getMessage());
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 1000);
            }
        }
    }

    private void commit(List<Request> batch) throws InterruptedException {
        List<JournalEntry> entries = new ArrayList<>();
        batch.forEach(r -> entries.addAll(r.entries));
        long backoffMillis = 10;
        while (true) {
            try {
                if (entries.isEmpty()) {
                    batch.forEach(r -> r.done.complete(null)); // only flush barriers
                    return;
                }
                if (nodeId == null) {
                    store.append(entries);
                } else {
                    store.append(entries, nodeId);
                }
                try {
                    onDurable.accept(entries);
                } catch (RuntimeException e) {
                    LOG.warn("a journal listener failed", e);
                }
                batch.forEach(r -> r.done.complete(null));
                return;
            } catch (BatonException e) {
                if (!e.retriable()) {
                    if (batch.size() > 1) {
                        for (Request request : batch) {
                            commit(List.of(request));
                        }
                    } else {
                        if (e.code() == ErrorCode.LEASE_LOST) {
                            leaseLost(batch.getFirst());
                        }
                        batch.getFirst().done.completeExceptionally(e);
                    }
                    return;
                }
                if (closed) {
                    batch.forEach(r -> r.done.completeExceptionally(e));
                    return;
                }
                LOG.warn("journal append failed, retrying in {} ms: {}", backoffMillis, e.getMessage());
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 1000);
            }
        }
    }

    private void leaseLost(Request request) {
        try {
            onLeaseLost.accept(request.entries.stream().map(JournalEntry::runId).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            LOG.warn("a lease-lost listener failed", e);
        }
    }

    /**
     * Completes once everything queued before this call is written (or failed): a barrier, e.g. before letting go
     * of run leases.
     */
    CompletableFuture<Void> flush() {
        return append(List.of());
    }

    /** Stops accepting entries, writes what is queued, and stops the writer. */
    @Override
    public void close() {
        closed = true;
        queue.add(WAKE);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Work left;
        while ((left = queue.poll()) != null) {
            if (left == WAKE) {
                continue;
            }
            left.fail(closedError());
        }
    }

    boolean isClosed() {
        return closed;
    }

    private static BatonException closedError() {
        return new BatonException(ErrorCode.STORE_UNAVAILABLE, "the engine is closed");
    }

    /** What the writer is asked to do. */
    private sealed interface Work permits Request, Creation {
        /** Its weight against the batch size. */
        int size();

        void fail(Throwable failure);
    }

    private record Request(List<JournalEntry> entries, CompletableFuture<Void> done) implements Work {
        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    private record Creation(Run run, CompletableFuture<Run> done) implements Work {
        @Override
        public int size() {
            return 1;
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }
}
