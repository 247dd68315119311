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
        return quotas.startBatch(who, 1, i -> run(RunStatus.QUEUED, null)).getFirst();
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

        assertThatThrownBy(() -> quotas.startBatch(jwt, 3, i -> {
            started.incrementAndGet();
            return run(RunStatus.QUEUED, null);
        })).isInstanceOf(BatonException.class);
        assertThat(started).hasValue(0);

        assertThatThrownBy(() -> quotas.startBatch(jwt, 1, i -> {
            throw BatonException.notFound("workflow", "wf");
        })).isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(slots.slots("tenant/acme")).isEmpty();

        assertThat(quotas.startBatch(jwt, 2, i -> run(RunStatus.QUEUED, null))).hasSize(2);
    }

    @Test
    void slots_of_runs_that_ended_unreleased_and_of_abandoned_starts_are_reclaimed_when_the_scope_is_full() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        // the run ended (stored FAILED) while its node died: its slot was never released
        Run ended = quotas.startBatch(jwt, 1, i -> run(RunStatus.FAILED, null).withStatus(RunStatus.QUEUED))
                .getFirst();
        slots.claim("pending:lost", "acme", quotas.scopes(jwt), slot -> false); // a start that died before binding

        start(jwt); // full: the ended run's slot is taken back
        assertThatThrownBy(() -> start(jwt)).isInstanceOf(BatonException.class); // the pending claim is recent
        now.set(now.get().plus(RunQuotas.ABANDONED_START).plus(Duration.ofSeconds(1)));
        start(jwt); // the abandoned start's claim is taken back

        assertThat(slots.slots("tenant/acme")).extracting(s -> s.holder()).doesNotContain(ended.id(), "pending:lost");
    }

    @Test
    void an_idempotent_start_that_answers_a_finished_run_holds_no_slot() {
        Principal jwt = new Principal("acme", "jwt:x", null, Set.of(Role.DEVELOPER), Principal.AuthMethod.JWT);
        quotas.startBatch(jwt, 1, i -> run(RunStatus.SUCCEEDED, null));

        assertThat(slots.slots("tenant/acme")).isEmpty();
    }
}
