package dev.baton.core.engine;

import dev.baton.core.run.Run;
import dev.baton.core.run.RunEvent;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Starts, observes and cancels runs. The one entry point the server and the CLI use to execute workflows.
 * Implementations are thread-safe.
 */
public interface Engine extends AutoCloseable {

    /**
     * Accepts a run: validates the inputs against the workflow's input schema, stores the run as {@code QUEUED}
     * (durably, before returning) and schedules it by priority.
     *
     * @return the stored run; with an idempotency key already used by the tenant, the earlier run
     * @throws dev.baton.core.error.BatonException NOT_FOUND for an unknown workflow or version, INVALID_INPUT
     *                                             when the inputs violate the schema, RATE_LIMITED when the
     *                                             queue is full
     */
    Run start(StartRequest request);

    /** The run with its attempts, if it exists for this tenant. */
    Optional<RunView> get(String tenantId, String runId);

    /**
     * Completes when the run reaches a terminal status, with its final view. Completes at once for a finished run.
     *
     * @throws dev.baton.core.error.BatonException NOT_FOUND for an unknown run
     */
    CompletableFuture<RunView> completion(String tenantId, String runId);

    /**
     * Waits up to {@code wait} for the run to finish.
     *
     * @return the view, terminal or not (check {@code run().status()})
     */
    RunView await(String tenantId, String runId, Duration wait) throws InterruptedException;

    /**
     * Requests cancellation: running steps are interrupted promptly, pending steps do not start, the run
     * finishes {@code CANCELLED}. Cancelling a finished run is a no-op.
     *
     * @return the run as it is after the request
     * @throws dev.baton.core.error.BatonException NOT_FOUND for an unknown run
     */
    Run cancel(String tenantId, String runId, String reason);

    /**
     * Follows a run's events: first those after {@code afterSequence} from the store, then live ones until the
     * run finishes or the subscription is closed. The listener is called on an engine thread, in order.
     */
    Subscription subscribe(String tenantId, String runId, long afterSequence, Consumer<RunEvent> listener);

    /** Resumes every unfinished run found in the store (called once at start). Returns how many. */
    int resumeUnfinished();

    /** A live event subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Stops accepting runs and stops dispatching; running attempts are interrupted (they resume on restart). */
    @Override
    void close();
}
