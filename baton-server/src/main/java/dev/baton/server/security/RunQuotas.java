package dev.baton.server.security;

import dev.baton.core.engine.EngineObserver;
import dev.baton.core.run.Run;
import dev.baton.core.security.Principal;
import dev.baton.core.security.RunSlots;
import dev.baton.core.store.RunStore;
import dev.baton.gateway.quota.QuotaScope;
import dev.baton.gateway.quota.QuotaSource;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The {@code maxConcurrentRuns} quotas of tenants and API keys, enforced when the API starts a run: before the
 * start, one slot per limiting scope is claimed in {@link RunSlots} (atomically, cluster-wide on a shared store)
 * under a pending id; after it, the slots are bound to the run's id; when the run ends ({@link #observer()}) they
 * are released. A start that fails releases its claim; a run that is already over when the start returns (an
 * idempotent start answering a finished run) releases at once. A slot whose release was lost (a node died) is
 * reclaimed by the next claim that finds its scope full: its run is looked up and the slot taken back when the run
 * is over or missing, or when a pending claim is older than {@link #ABANDONED_START}. Child runs never claim.
 *
 * <p>Handlers call {@link #start(Context, Supplier)} or {@link #startBatch(Context, int, IntFunction)} around the
 * engine's start; {@link RequestQuotas} attaches the node's instance to each request. Thread-safe.
 */
public final class RunQuotas {
    /** A pending claim older than this belongs to a start that died before binding it. */
    public static final Duration ABANDONED_START = Duration.ofMinutes(10);
    private static final String ATTRIBUTE = "baton.runQuotas";
    private static final String PENDING = "pending:";
    private static final Logger LOG = LoggerFactory.getLogger(RunQuotas.class);

    private final RunSlots slots;
    private final QuotaSource quotas;
    private final RunStore runs;
    private final InstantSource clock;

    /**
     * @param slots  where slots are held
     * @param quotas whose {@code maxConcurrentRuns} apply
     * @param runs   looked up when reclaiming slots
     * @param clock  ages pending claims
     */
    public RunQuotas(RunSlots slots, QuotaSource quotas, RunStore runs, InstantSource clock) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What {@link RequestQuotas#admit} attaches to a request: the quotas and whom they count against. */
    private record Attached(RunQuotas quotas, Principal principal) {
    }

    /** Attaches this instance to the request of {@code principal} (done by {@link RequestQuotas#admit}). */
    void attach(Context ctx, Principal principal) {
        ctx.attribute(ATTRIBUTE, new Attached(this, principal));
    }

    /**
     * Starts one run of the request's principal under its concurrent-run quotas: {@code start} runs only when a
     * slot was claimed in every limiting scope. Without quotas attached to the request (tests without security),
     * just runs {@code start}.
     *
     * @throws dev.baton.core.error.BatonException QUOTA_EXCEEDED naming the limit; what {@code start} throws
     */
    public static Run start(Context ctx, Supplier<Run> start) {
        return startBatch(ctx, 1, unused -> start.get()).getFirst();
    }

    /**
     * Starts {@code count} runs, all or none admitted: slots for every run are claimed before the first starts.
     *
     * @param start starts run {@code i} (0-based)
     * @throws dev.baton.core.error.BatonException QUOTA_EXCEEDED when the scopes have room for fewer than
     *         {@code count} runs (none started)
     */
    public static List<Run> startBatch(Context ctx, int count, IntFunction<Run> start) {
        Attached attached = ctx.attribute(ATTRIBUTE);
        if (attached == null) {
            List<Run> started = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                started.add(start.apply(i));
            }
            return started;
        }
        return attached.quotas().startBatch(attached.principal(), count, start);
    }

    /** See {@link #startBatch(Context, int, IntFunction)}. */
    public List<Run> startBatch(Principal principal, int count, IntFunction<Run> start) {
        List<RunSlots.Scope> scopes = scopes(principal);
        List<Run> started = new ArrayList<>(count);
        if (scopes.isEmpty()) {
            for (int i = 0; i < count; i++) {
                started.add(start.apply(i));
            }
            return started;
        }
        List<String> pending = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                String holder = PENDING + UUID.randomUUID();
                slots.claim(holder, principal.tenantId(), scopes, this::isOver);
                pending.add(holder);
            }
            for (int i = 0; i < count; i++) {
                Run run = start.apply(i);
                slots.bind(pending.get(i), run.id(), run.tenantId());
                pending.set(i, null);
                if (run.status().isTerminal()) {
                    slots.release(run.id());
                }
                started.add(run);
            }
            return started;
        } finally {
            for (String holder : pending) {
                if (holder != null) {
                    releaseQuietly(holder);
                }
            }
        }
    }

    /** The slot scopes of {@code principal}'s tenant and key that limit concurrent runs. */
    List<RunSlots.Scope> scopes(Principal principal) {
        List<RunSlots.Scope> scopes = new ArrayList<>(2);
        for (QuotaScope scope : quotas.scopes(principal.tenantId(), principal.keyId())) {
            int limit = scope.quotas().maxConcurrentRuns();
            if (limit > 0) {
                scopes.add(new RunSlots.Scope(scope.key(), limit, scope.field("maxConcurrentRuns"), scope.label()));
            }
        }
        return scopes;
    }

    /** Whether a slot's holder no longer runs: a run over or missing, or a start abandoned long ago. */
    private boolean isOver(RunSlots.Slot slot) {
        if (slot.holder().startsWith(PENDING)) {
            return slot.claimedAt().plus(ABANDONED_START).isBefore(clock.instant());
        }
        return runs.find(slot.tenantId(), slot.holder()).map(run -> run.status().isTerminal()).orElse(true);
    }

    /**
     * Releases a top-level run's slots when it ends, on a virtual thread of its own (the engine's hooks must be
     * fast; a lost release is reclaimed later).
     */
    public EngineObserver observer() {
        return new EngineObserver() {
            @Override
            public void runFinished(Run run) {
                if (run.parentRunId() == null) {
                    Thread.ofVirtual().name("baton-run-slot-release").start(() -> releaseQuietly(run.id()));
                }
            }
        };
    }

    private void releaseQuietly(String holder) {
        try {
            slots.release(holder);
        } catch (RuntimeException e) {
            LOG.warn("run slots: could not release {} (reclaimed when its scope is next full): {}", holder,
                    e.toString());
        }
    }
}
