package dev.baton.core.store;

import dev.baton.core.run.JournalEntry;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;
import dev.baton.core.run.StepAttempt;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage of runs, their step attempts and their journal. Implementations: in-memory (tests and
 * benchmarks), JDBC on H2 (embedded default) and PostgreSQL. All must pass the shared contract suite
 * ({@code RunStoreContract} in baton-core's test jar).
 *
 * <p>Thread-safe. Every method either completes durably or throws
 * {@link dev.baton.core.error.BatonException} with {@code STORE_UNAVAILABLE} (retriable).
 */
public interface RunStore {

    /**
     * Stores a new run (normally {@code QUEUED}). If {@code run.idempotencyKey()} is not null and a run of the
     * same tenant with the same key exists, nothing is written and that existing run is returned. A run whose id
     * is already stored is also returned as stored, so a retried create is harmless.
     *
     * @return the stored run: {@code run} itself, or the existing run with the same idempotency key
     */
    Run create(Run run);

    /**
     * Stores many new runs, as {@link #create} does for each, in order: the result holds, at the same index, each
     * run as stored, or the earlier run its idempotency key (or id) resolves to, including an earlier run of the
     * same list. Implementations write them in one transaction where they can (the engine's journal writer groups
     * the runs of concurrent {@code start} calls this way); the default creates them one by one.
     *
     * @return one stored run per element of {@code runs}, same order
     */
    default List<Run> createAll(List<Run> runs) {
        return runs.stream().map(this::create).toList();
    }

    /**
     * Appends journal entries atomically (all or none) and applies them to the run and attempt records, in
     * order. Entries may belong to different runs (group commit). Re-applying an entry already applied
     * (same run/step/attempt and status) is a no-op, so replay after a crash is safe.
     *
     * <p>Precisely: {@code RunStarted} only moves a {@code QUEUED} run to {@code RUNNING}; {@code AttemptStarted}
     * only records an attempt not yet recorded; {@code AttemptFinished} only finishes an attempt that is running or
     * not recorded (a skipped step: recorded with start = end = {@code at}), never a finished one;
     * {@code RunFinished} only finishes a non-terminal run; {@code CancelRequested} counts once per non-terminal
     * run. Every entry that applies becomes the run's next event (sequence 1, 2, ...); an entry that changes
     * nothing is not journaled again.
     *
     * @throws dev.baton.core.error.BatonException NOT_FOUND if a run does not exist
     */
    void append(List<JournalEntry> entries);

    /**
     * {@link #append(List)} fenced by run leases ({@link dev.baton.core.cluster.RunLeases}): an entry other than
     * {@code CancelRequested} of a run whose lease is held by a node other than {@code nodeId} is refused, with the
     * whole call (nothing is written), by {@code LEASE_LOST} naming the run. Runs without an owner (never leased:
     * a single node) are not fenced. Stores without leases need not override it.
     *
     * @throws dev.baton.core.error.BatonException LEASE_LOST as above, NOT_FOUND if a run does not exist
     */
    default void append(List<JournalEntry> entries, String nodeId) {
        append(entries);
    }

    /** The run with this id for this tenant, if any. */
    Optional<Run> find(String tenantId, String runId);

    /** The run with this idempotency key for this tenant, if any. */
    Optional<Run> findByIdempotencyKey(String tenantId, String idempotencyKey);

    /** All attempts of a run ordered by start time, then step id, then attempt. */
    List<StepAttempt> attempts(String runId);

    /**
     * Runs of a tenant matching the query, newest first (createdAt desc, id desc), with a cursor for the next page.
     */
    Page<Run> list(String tenantId, RunQuery query);

    /** Every run not in a terminal status (QUEUED or RUNNING), of all tenants, oldest first: for resume on start. */
    List<Run> unfinished();

    /**
     * The run's events after the given sequence number, in order, at most {@code limit}.
     *
     * @param afterSequence 0 for all events
     */
    List<RunEvent> events(String runId, long afterSequence, int limit);
}
