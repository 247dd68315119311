package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RunSlots} must do; extended once per implementation (in memory here, H2 and PostgreSQL in
 * baton-store-jdbc).
 */
public abstract class RunSlotsContract {
    protected static final RunSlots.Scope ACME = new RunSlots.Scope("tenant/acme", 2,
            "security.tenants.acme.quotas.maxConcurrentRuns", "tenant 'acme'");
    protected static final RunSlots.Scope KEY = new RunSlots.Scope("apikey/k1", 1, "key.k1.quotas.maxConcurrentRuns",
            "API key 'k1'");
    private static final RunSlots.Liveness ALIVE = slot -> false;

    private RunSlots slots;

    /** Slots with none held. Called before each test. */
    protected abstract RunSlots emptySlots();

    @BeforeEach
    void setUp() {
        slots = emptySlots();
    }

    private static List<String> holders(List<RunSlots.Slot> slots) {
        return slots.stream().map(RunSlots.Slot::holder).toList();
    }

    @Test
    void claims_up_to_the_limit_then_refuses_naming_the_scope_field() {
        slots.claim("p1", "acme", List.of(ACME), ALIVE);
        slots.claim("p2", "acme", List.of(ACME), ALIVE);

        assertThatThrownBy(() -> slots.claim("p3", "acme", List.of(ACME), ALIVE))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.errors().getFirst().field()).isEqualTo(ACME.field());
                    assertThat(e.getMessage()).contains("tenant 'acme'").contains("2 run(s)");
                    assertThat(e.retryAfter()).contains(RunSlots.RETRY_AFTER);
                });
        assertThat(holders(slots.slots(ACME.id()))).containsExactlyInAnyOrder("p1", "p2");
    }

    @Test
    void a_claim_over_several_scopes_takes_all_or_none() {
        slots.claim("p1", "acme", List.of(ACME, KEY), ALIVE);

        assertThatThrownBy(() -> slots.claim("p2", "acme", List.of(KEY, ACME), ALIVE))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo(KEY.field()));
        assertThat(holders(slots.slots(ACME.id()))).containsExactly("p1");
        slots.claim("p2", "acme", List.of(ACME), ALIVE); // the tenant still has room without that key
    }

    @Test
    void claiming_twice_for_one_holder_takes_one_slot() {
        slots.claim("p1", "acme", List.of(ACME), ALIVE);
        slots.claim("p1", "acme", List.of(ACME), ALIVE);

        assertThat(slots.slots(ACME.id())).hasSize(1);
    }

    @Test
    void bound_slots_are_released_by_run_id_and_release_is_idempotent() {
        slots.claim("p1", "acme", List.of(ACME, KEY), ALIVE);
        slots.bind("p1", "run-1", "acme");

        assertThat(holders(slots.slots(ACME.id()))).containsExactly("run-1");
        assertThat(slots.slots(KEY.id()).getFirst().tenantId()).isEqualTo("acme");
        slots.claim("p9", "acme", List.of(ACME), ALIVE);
        slots.bind("p9", "run-9", "default"); // the run's own tenant wins
        assertThat(slots.slots(ACME.id())).filteredOn(s -> s.holder().equals("run-9")).singleElement()
                .extracting(RunSlots.Slot::tenantId).isEqualTo("default");
        slots.release("run-9");
        slots.release("run-1");
        slots.release("run-1");
        slots.release("never-held");

        assertThat(slots.slots(ACME.id())).isEmpty();
        assertThat(slots.slots(KEY.id())).isEmpty();
    }

    @Test
    void binding_to_a_run_that_already_holds_the_scope_drops_the_pending_slot() {
        slots.claim("p1", "acme", List.of(ACME), ALIVE);
        slots.bind("p1", "run-1", "acme");
        slots.claim("p2", "acme", List.of(ACME), ALIVE); // an idempotent start of the same run

        slots.bind("p2", "run-1", "acme");

        assertThat(holders(slots.slots(ACME.id()))).containsExactly("run-1");
    }

    @Test
    void a_full_scope_reclaims_slots_whose_runs_are_over() {
        slots.claim("p1", "acme", List.of(ACME), ALIVE);
        slots.bind("p1", "run-done", "acme");
        slots.claim("p2", "acme", List.of(ACME), ALIVE);
        slots.bind("p2", "run-busy", "acme");
        List<RunSlots.Slot> asked = new ArrayList<>();

        slots.claim("p3", "acme", List.of(ACME), slot -> {
            asked.add(slot);
            return slot.holder().equals("run-done");
        });

        assertThat(holders(asked)).containsExactlyInAnyOrder("run-done", "run-busy");
        assertThat(asked).allSatisfy(slot -> assertThat(slot.tenantId()).isEqualTo("acme"));
        assertThat(holders(slots.slots(ACME.id()))).containsExactlyInAnyOrder("run-busy", "p3");
    }

    @Test
    void a_batch_claim_takes_a_slot_per_holder_all_or_none() {
        RunSlots.Scope three = new RunSlots.Scope("tenant/batch", 3, "security.defaultQuotas.maxConcurrentRuns",
                "tenant 'batch'");
        slots.claim("p1", "batch", List.of(three), ALIVE);

        assertThatThrownBy(() -> slots.claim(List.of("b1", "b2", "b3"), "batch", List.of(three), ALIVE))
                .isInstanceOf(BatonException.class);
        assertThat(holders(slots.slots(three.id()))).containsExactly("p1");

        slots.claim(List.of("b1", "b2"), "batch", List.of(three), ALIVE);
        slots.claim(List.of("b1", "b2"), "batch", List.of(three), ALIVE); // again: nothing more taken
        assertThat(holders(slots.slots(three.id()))).containsExactlyInAnyOrder("p1", "b1", "b2");
    }

    @Test
    void a_full_scope_is_not_searched_when_the_liveness_says_not_now() {
        slots.claim("p1", "acme", List.of(KEY), ALIVE);
        List<RunSlots.Slot> asked = new ArrayList<>();
        RunSlots.Liveness notNow = new RunSlots.Liveness() {
            @Override
            public boolean isOver(RunSlots.Slot slot) {
                asked.add(slot);
                return true;
            }

            @Override
            public boolean mayReclaim(RunSlots.Scope scope) {
                return false;
            }
        };

        assertThatThrownBy(() -> slots.claim("p2", "acme", List.of(KEY), notNow)).isInstanceOf(BatonException.class);
        assertThat(asked).isEmpty();
    }

    @Test
    void concurrent_claims_never_hold_more_than_the_limit() throws Exception {
        RunSlots.Scope five = new RunSlots.Scope("tenant/busy", 5, "security.defaultQuotas.maxConcurrentRuns",
                "tenant 'busy'");
        int callers = 40;
        var admitted = new AtomicInteger();
        var refused = new AtomicInteger();
        Set<String> winners = ConcurrentHashMap.newKeySet();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String holder = "p" + i;
                done.add(pool.submit(() -> {
                    start.await();
                    try {
                        slots(holder).claim(holder, "busy", List.of(five), ALIVE);
                        admitted.incrementAndGet();
                        winners.add(holder);
                    } catch (BatonException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(Duration.ofMinutes(1).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }

        assertThat(admitted.get()).isEqualTo(5);
        assertThat(refused.get()).isEqualTo(callers - 5);
        assertThat(holders(slots.slots(five.id()))).containsExactlyInAnyOrderElementsOf(winners);
    }

    /**
     * The slots a concurrent caller uses: the same instance by default; implementations shared by several nodes
     * return one per simulated node, so the test proves the limit holds across them.
     */
    protected RunSlots slots(String holder) {
        return slots;
    }
}
