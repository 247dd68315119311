package dev.baton.server.security;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.security.InMemoryRunSlots;
import dev.baton.core.security.Principal;
import dev.baton.core.security.Quotas;
import dev.baton.core.security.Role;
import dev.baton.core.store.ForwardingRunStore;
import dev.baton.core.store.InMemoryRunStore;
import dev.baton.gateway.quota.QuotaScope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunQuotasTest {
    private static final Principal ACME = new Principal("acme", "key:k1", "k1", Set.of(Role.DEVELOPER),
            Principal.AuthMethod.API_KEY);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-21T10:00:00Z"));
    private final InMemoryRunSlots slots = new InMemoryRunSlots(now::get);
    private final InMemoryRunStore runs = new InMemoryRunStore();
    private final AtomicInteger ids = new AtomicInteger();

    /** The tenant may have 2 runs at once, key k1 1. */
    private final RunQuotas quotas = new RunQuotas(slots, (tenant, key) -> key == null
            ? List.of(tenantScope(2))
            : List.of(tenantScope(2), new QuotaScope(QuotaScope.Kind.KEY, key, new Quotas(0, 0, 1, 0, 0, 0, 0),
                    "key." + key + ".quotas")), runs, now::get);

    private static QuotaScope tenantScope(int runs) {
        return new QuotaScope(QuotaScope.Kind.TENANT, "acme", new Quotas(0, 0, runs, 0, 0, 0, 0),
                "security.tenants.acme.quotas");
    }

    private Run run(RunStatus status, String parent) {
        Run run = new Run("run-" + ids.incrementAndGet(), "acme", "wf", 1, status, 0,
                JsonNodeFactory.instance.objectNode(), null, null, null, parent, parent == null ? null : "s",
                now.get(), null, null);
        runs.create(run);
        return run;
    }

    private Run start(Principal who) {
        return quotas.startBatch(who, 1, i -> null, i -> run(RunStatus.QUEUED, null)).getFirst();
    }

    @Test
    void a_keys_own_limit_and_its_tenants_both_count() {
        Principal other = new Principal("acme", "key:k2", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        start(ACME);

        assertThatThrownBy(() -> start(ACME)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
            assertThat(e.errors().getFirst().field()).isEqualTo("key.k1.quotas.maxConcurrentRuns");
        });
        start(other);
        assertThatThrownBy(() -> start(other)).isInstanceOfSatisfying(BatonException.class,
                e -> assertThat(e.errors().getFirst().field())
                        .isEqualTo("security.tenants.acme.quotas.maxConcurrentRuns"));
    }

    @Test
    void the_observer_frees_a_top_level_runs_slot_when_it_ends_and_ignores_child_runs() throws Exception {
        Run first = start(ACME);
        Run child = run(RunStatus.SUCCEEDED, first.id());
        quotas.observer().runFinished(child);
        quotas.observer().runFinished(first.withStatus(RunStatus.SUCCEEDED));

        for (int i = 0; i < 500 && !slots.slots("apikey/k1").isEmpty(); i++) {
            Thread.sleep(5); // released on a virtual thread of its own
        }
        assertThat(slots.slots("apikey/k1")).isEmpty();
        assertThat(slots.slots("tenant/acme")).isEmpty();
    }

    @Test
    void a_batch_that_does_not_fit_starts_nothing_and_a_failed_start_frees_its_claim() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        AtomicInteger started = new AtomicInteger();

        assertThatThrownBy(() -> quotas.startBatch(jwt, 3, i -> null, i -> {
            started.incrementAndGet();
            return run(RunStatus.QUEUED, null);
        })).isInstanceOf(BatonException.class);
        assertThat(started).hasValue(0);

        assertThatThrownBy(() -> quotas.startBatch(jwt, 1, i -> null, i -> {
            throw BatonException.notFound("workflow", "wf");
        })).isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(slots.slots("tenant/acme")).isEmpty();

        assertThat(quotas.startBatch(jwt, 2, i -> null, i -> run(RunStatus.QUEUED, null))).hasSize(2);
    }

    @Test
    void slots_of_runs_that_ended_unreleased_and_of_abandoned_starts_are_reclaimed_when_the_scope_is_full() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        // the run ended (stored FAILED) while its node died: its slot was never released
        Run ended = run(RunStatus.FAILED, null);
        slots.claim("pending:ended", "acme", quotas.scopes(jwt), slot -> false);
        slots.bind("pending:ended", ended.id(), "acme");
        slots.claim("pending:lost", "acme", quotas.scopes(jwt), slot -> false); // a start that died before binding

        start(jwt); // full: the ended run's slot is taken back
        assertThatThrownBy(() -> start(jwt)).isInstanceOf(BatonException.class); // the pending claim is recent
        now.set(now.get().plus(RunQuotas.ABANDONED_START).plus(Duration.ofSeconds(1)));
        start(jwt); // the abandoned start's claim is taken back

        assertThat(slots.slots("tenant/acme")).extracting(s -> s.holder()).doesNotContain(ended.id(), "pending:lost");
    }

    @Test
    void a_full_scope_is_searched_for_lost_slots_at_most_once_per_reclaim_interval() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        CountingRuns counted = new CountingRuns();
        RunQuotas quotas = new RunQuotas(slots, (tenant, key) -> List.of(tenantScope(2)), counted, now::get);
        quotas.startBatch(jwt, 2, i -> null, i -> {
            Run run = new Run("alive-" + i, "acme", "wf", 1, RunStatus.RUNNING, 0,
                    JsonNodeFactory.instance.objectNode(), null, null, null, null, null, now.get(), null, null);
            counted.create(run);
            return run;
        });
        counted.finds.set(0);

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> quotas.startBatch(jwt, 1, k -> null, k -> run(RunStatus.QUEUED, null)))
                    .isInstanceOf(BatonException.class);
        }
        assertThat(counted.finds).as("one search of 2 slots, not 20").hasValue(2);

        now.set(now.get().plus(RunQuotas.RECLAIM_INTERVAL));
        assertThatThrownBy(() -> quotas.startBatch(jwt, 1, k -> null, k -> run(RunStatus.QUEUED, null)))
                .isInstanceOf(BatonException.class);
        assertThat(counted.finds).hasValue(4);
    }

    /** A run store that counts its lookups by id. */
    private static final class CountingRuns extends ForwardingRunStore {
        final AtomicInteger finds = new AtomicInteger();

        CountingRuns() {
            super(new InMemoryRunStore());
        }

        @Override
        public java.util.Optional<Run> find(String tenantId, String runId) {
            finds.incrementAndGet();
            return super.find(tenantId, runId);
        }
    }

    @Test
    void a_run_that_ends_before_its_slot_is_bound_frees_the_slot() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);

        Run started = quotas.startBatch(jwt, 1, i -> null, i -> {
            Run ended = run(RunStatus.SUCCEEDED, null); // ended on the engine's threads before the bind
            // the observer's release (by run id) already ran and found nothing: the slot is still pending
            return ended.withStatus(RunStatus.QUEUED); // the snapshot engine.start returned
        }).getFirst();

        assertThat(started.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(slots.slots("tenant/acme")).isEmpty();
    }

    @Test
    void an_idempotent_replay_of_a_running_run_is_answered_at_the_limit_without_a_claim() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        Run[] first = new Run[2];
        List<Run> pair = quotas.startBatch(jwt, 2, i -> "k/" + i, i -> {
            Run run = new Run("keyed-" + i, "acme", "wf", 1, RunStatus.RUNNING, 0,
                    JsonNodeFactory.instance.objectNode(), null, null, "k/" + i, null, null, now.get(), null, null);
            first[i] = runs.create(run);
            return first[i];
        });
        assertThat(slots.slots("tenant/acme")).hasSize(2); // the scope is full

        List<Run> replayed = quotas.startBatch(jwt, 2, i -> "k/" + i,
                i -> runs.findByIdempotencyKey("acme", "k/" + i).orElseThrow());

        assertThat(replayed).extracting(Run::id).containsExactlyElementsOf(pair.stream().map(Run::id).toList());
        assertThat(slots.slots("tenant/acme")).extracting(s -> s.holder()).containsExactlyInAnyOrder("keyed-0",
                "keyed-1");
        assertThatThrownBy(() -> quotas.startBatch(jwt, 1, i -> "new", i -> run(RunStatus.QUEUED, null)))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
    }

    @Test
    void an_idempotent_start_that_answers_a_finished_run_holds_no_slot() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        quotas.startBatch(jwt, 1, i -> null, i -> run(RunStatus.SUCCEEDED, null));

        assertThat(slots.slots("tenant/acme")).isEmpty();
    }
}
