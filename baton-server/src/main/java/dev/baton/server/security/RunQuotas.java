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
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The {@code maxConcurrentRuns} quotas of tenants and API keys, enforced when the API starts a run: before the
 * start, one slot per limiting scope is claimed in {@link RunSlots} (atomically, cluster-wide on a shared store)
 * under a pending id (a batch claims all its slots at once); after it, the slots are bound to the run's id; when the
 * run ends ({@link #observer()}) they are released. A start that fails releases its claim; a run that is already
 * over once bound (a short run that ended before the bind) releases at once. A start whose idempotency key already
 * names a run claims nothing (the replay answers that run, which holds its slot). A slot whose release was lost (a
 * node died) is reclaimed by a claim that finds its scope full, at most once per {@link #RECLAIM_INTERVAL} per
 * scope and node: its run is looked up and the slot taken back when the run is over or missing, or when a pending
 * claim is older than {@link #ABANDONED_START}. Child runs never claim.
 *
 * <p>Handlers call {@link #start(Context, String, Supplier)} or
 * {@link #startBatch(Context, int, IntFunction, IntFunction)} around the engine's start; {@link RequestQuotas}
 * attaches the node's instance to each request. Thread-safe.
 */
public final class RunQuotas {
    /** A pending claim older than this belongs to a start that died before binding it. */
    public static final Duration ABANDONED_START = Duration.ofMinutes(10);
    /** A full scope is searched for slots to reclaim at most this often per node. */
    public static final Duration RECLAIM_INTERVAL = Duration.ofSeconds(30);
    private static final int MAX_RECLAIM_STAMPS = 10_000;
    private static final String ATTRIBUTE = "baton.runQuotas";
    private static final String PENDING = "pending:";
    private static final Logger LOG = LoggerFactory.getLogger(RunQuotas.class);

    private final RunSlots slots;
    private final QuotaSource quotas;
    private final RunStore runs;
    private final InstantSource clock;
    /** scope id → when this node last searched it for slots to reclaim. */
    private final Map<String, Instant> reclaimed = new ConcurrentHashMap<>();
    private final RunSlots.Liveness liveness = new Reclaim();

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
     * slot was claimed in every limiting scope, or when {@code idempotencyKey} already names a run of the tenant
     * (a replay: {@code start} answers that run, which holds its slot already, so nothing is claimed and a full
     * scope does not refuse it). Without quotas attached to the request (tests without security), just runs
     * {@code start}.
     *
     * @param idempotencyKey the key the run is stored under (as {@code start} passes it to the engine), or
     *                       {@code null}
     * @throws dev.baton.core.error.BatonException QUOTA_EXCEEDED naming the limit; what {@code start} throws
     */
    public static Run start(Context ctx, String idempotencyKey, Supplier<Run> start) {
        return startBatch(ctx, 1, unused -> idempotencyKey, unused -> start.get()).getFirst();
    }

    /**
     * Starts {@code count} runs, all or none admitted: slots for every new run are claimed (in one claim per
     * scope) before the first starts; items whose idempotency key already names a run claim nothing.
     *
     * @param idempotencyKeys the stored idempotency key of item {@code i} (0-based), or {@code null}
     * @param start           starts run {@code i} (0-based)
     * @throws dev.baton.core.error.BatonException QUOTA_EXCEEDED when the scopes have room for fewer than the
     *         new runs (none started)
     */
    public static List<Run> startBatch(Context ctx, int count, IntFunction<String> idempotencyKeys,
                                       IntFunction<Run> start) {
        Attached attached = ctx.attribute(ATTRIBUTE);
        if (attached == null) {
            List<Run> started = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                started.add(start.apply(i));
            }
            return started;
        }
        return attached.quotas().startBatch(attached.principal(), count, idempotencyKeys, start);
    }

    /** See {@link #startBatch(Context, int, IntFunction, IntFunction)}. */
    public List<Run> startBatch(Principal principal, int count, IntFunction<String> idempotencyKeys,
                                IntFunction<Run> start) {
        List<RunSlots.Scope> scopes = scopes(principal);
        List<Run> started = new ArrayList<>(count);
        if (scopes.isEmpty()) {
            for (int i = 0; i < count; i++) {
                started.add(start.apply(i));
            }
            return started;
        }
        boolean[] replay = new boolean[count];
        List<String> pending = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = idempotencyKeys.apply(i);
            replay[i] = key != null && runs.findByIdempotencyKey(principal.tenantId(), key).isPresent();
            pending.add(replay[i] ? null : PENDING + UUID.randomUUID());
        }
        try {
            List<String> claims = pending.stream().filter(Objects::nonNull).toList();
            if (!claims.isEmpty()) {
                slots.claim(claims, principal.tenantId(), scopes, liveness);
            }
            for (int i = 0; i < count; i++) {
                Run run = start.apply(i);
                if (!replay[i]) {
                    slots.bind(pending.get(i), run.id(), run.tenantId());
                    pending.set(i, null);
                    releaseIfOver(run);
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

    /**
     * Releases a just-bound run's slots when the run is already over: a short run can end on the engine's threads
     * before the handler binds, and then the observer's release (by run id) found nothing to free. The run is read
     * back from the store; that is race-free because {@link EngineObserver#runFinished} fires only once the end
     * is stored: either this read sees it, or the observer's release comes after the bind.
     */
    private void releaseIfOver(Run run) {
        boolean over = run.status().isTerminal()
                || runs.find(run.tenantId(), run.id()).map(stored -> stored.status().isTerminal()).orElse(false);
        if (over) {
            releaseQuietly(run.id());
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

    /**
     * Reclaims slots of runs that ended unreleased (a node died between the end and the release): a slot is over
     * when its run is over or missing, or when it is a pending claim older than {@link #ABANDONED_START}. A full
     * scope is searched at most once per {@link #RECLAIM_INTERVAL} on this node, so a tenant at its limit that
     * keeps starting pays one short claim transaction per refusal, not a run lookup per slot.
     */
    private final class Reclaim implements RunSlots.Liveness {
        @Override
        public boolean mayReclaim(RunSlots.Scope scope) {
            Instant now = clock.instant();
            boolean[] due = new boolean[1];
            reclaimed.compute(scope.id(), (id, last) -> {
                due[0] = last == null || !now.isBefore(last.plus(RECLAIM_INTERVAL));
                return due[0] ? now : last;
            });
            if (reclaimed.size() > MAX_RECLAIM_STAMPS) {
                reclaimed.values().removeIf(last -> now.isAfter(last.plus(RECLAIM_INTERVAL)));
            }
            return due[0];
        }

        @Override
        public boolean isOver(RunSlots.Slot slot) {
            if (slot.holder().startsWith(PENDING)) {
                return slot.claimedAt().plus(ABANDONED_START).isBefore(clock.instant());
            }
            return runs.find(slot.tenantId(), slot.holder()).map(run -> run.status().isTerminal()).orElse(true);
        }
    }

    /** The slots this instance claims in (for tests and operators in this package). */
    RunSlots slots() {
        return slots;
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
