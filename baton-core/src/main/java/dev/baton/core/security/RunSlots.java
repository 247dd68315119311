package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The {@code maxConcurrentRuns} quotas of tenants and API keys: every top-level run holds one slot in each scope
 * that limits it (its tenant, the key that started it) from its start until it ends. Implementations: in memory
 * ({@link InMemoryRunSlots}) and a table of the JDBC store (H2 and PostgreSQL), where a claim locks its scopes'
 * rows so that concurrent starts on every node of a cluster are counted exactly.
 *
 * <p>Protocol: {@link #claim} under a pending holder id before the run exists, {@link #bind} the holder to the run's
 * id once it started, {@link #release} by run id when the run ends (or by the pending id when the start failed).
 * A slot whose run ended but was never released (a node died in between) is reclaimed by the next claim that
 * finds its scope full, after asking {@link Liveness} whether the holder's run is over. All methods are
 * idempotent. Child runs ({@code workflow}/{@code map} steps) never claim: they count as part of their parent.
 *
 * <p>Thread-safe. Errors: {@code QUOTA_EXCEEDED} from {@link #claim}; {@code STORE_UNAVAILABLE} when the store
 * cannot be reached.
 */
public interface RunSlots {

    /**
     * One limit a run counts against.
     *
     * @param id    the scope: {@code tenant/<id>} or {@code apikey/<id>}, 1..300 characters
     * @param limit the most slots held at once, ≥ 1
     * @param field the setting the limit comes from, named in the error ({@code errors[0].field})
     * @param label how messages name the scope ({@code tenant 'acme'})
     */
    record Scope(String id, int limit, String field, String label) {
        public Scope {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(label, "label");
            if (id.isBlank() || id.length() > 300) {
                throw new IllegalArgumentException("slot scope must be 1..300 characters: '" + id + "'");
            }
            if (limit < 1) {
                throw new IllegalArgumentException("slot limit must be ≥ 1, got " + limit);
            }
        }

        /**
         * The {@code QUOTA_EXCEEDED} error of this scope found full: {@code errors[0].field} is {@link #field},
         * {@code retryAfter} {@link #RETRY_AFTER} (when a run ends is not known).
         */
        public BatonException exceeded() {
            String message = label + " already has " + limit + " run(s) queued or running, its limit (" + field
                    + "); retry when one has finished";
            return new BatonException(ErrorCode.QUOTA_EXCEEDED, message, true, List.of(new FieldError(field, message)),
                    null, RETRY_AFTER);
        }
    }

    /** The {@code Retry-After} of a start refused for a full scope. */
    Duration RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * A slot held.
     *
     * @param holder    the run id, or a pending id while the run starts
     * @param tenantId  the tenant of the run
     * @param claimedAt when it was claimed
     */
    record Slot(String holder, String tenantId, Instant claimedAt) {
    }

    /** Tells whether the run holding a slot is over (ended, never created, or a start abandoned long ago). */
    @FunctionalInterface
    interface Liveness {
        /** Whether {@code slot} may be taken back. Called outside any lock; may read the run store. */
        boolean isOver(Slot slot);

        /**
         * Whether a claim that found {@code scope} full may look through its slots now ({@link #isOver} once per
         * slot) before refusing; {@code false} refuses at once. Lets the caller bound how often a full scope,
         * which may hold up to {@code limit} slots, is searched (every refused start would otherwise pay for it).
         * Default: always.
         */
        default boolean mayReclaim(Scope scope) {
            return true;
        }
    }

    /**
     * Takes one slot in every scope for {@code holder}, all or none: {@link #claim(List, String, List, Liveness)}
     * with one holder.
     */
    default void claim(String holder, String tenantId, List<Scope> scopes, Liveness liveness) {
        claim(List.of(holder), tenantId, scopes, liveness);
    }

    /**
     * Takes one slot per holder in every scope, all or none (one lock of each scope, however many holders: a
     * batch of starts costs one claim). A scope without room for them all is first cleared of slots whose runs
     * are {@linkplain Liveness#isOver over} (when {@link Liveness#mayReclaim} allows), then tried once more.
     * Claiming again for a holder that already holds a scope's slot does not take a second one.
     *
     * @param holders  pending ids (unique per start), 1..64 characters each, distinct; at least one
     * @param tenantId the tenant of the runs about to start
     * @param scopes   the limits, distinct ids; empty: nothing to do
     * @throws dev.baton.core.error.BatonException {@code QUOTA_EXCEEDED} naming the full scope's {@code field}
     *         (nothing is taken then)
     */
    void claim(List<String> holders, String tenantId, List<Scope> scopes, Liveness liveness);

    /**
     * Moves {@code pending}'s slots to {@code runId} of tenant {@code tenantId} (the run's own, which reclaiming
     * looks it up in). When {@code runId} already holds a slot in a scope (an idempotent start that returned an
     * existing run) the pending slot there is dropped instead.
     */
    void bind(String pending, String runId, String tenantId);

    /** Frees every slot of {@code holder} (a run id or a pending id); nothing when it holds none. */
    void release(String holder);

    /** The slots held in {@code scope}, oldest first (for operators, tests and reclaiming). */
    List<Slot> slots(String scope);
}
