package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.store.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link AuditLog} promises: appended entries come back whole with an id, newest first, filtered by
 * action (dotted prefix), actor and time, paged by cursor, and only within their tenant. Extend it once per
 * implementation.
 *
 * <p>An audit log cannot be emptied (append-only: the PostgreSQL table refuses deletes), so every test works in
 * tenants of its own ({@link #tenant}).
 */
public abstract class AuditLogContract {
    /** Microsecond precision: what every store keeps. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    protected AuditLog log;

    /** The log under test; it may hold entries of other tests (in other tenants). Called before every test. */
    protected abstract AuditLog auditLog();

    @BeforeEach
    void setUpLog() {
        log = auditLog();
    }

    /** A tenant id no other test uses. */
    protected static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 18);
    }

    protected static AuditEntry entry(String tenant, Instant at, String actor, String action) {
        return new AuditEntry(0, tenant, at, actor, action, "run/r-1", AuditActions.SUCCESS, "127.0.0.1",
                "curl/8.5", "req-1", Map.of("status", "202", "method", "POST"));
    }

    @Test
    void an_appended_entry_comes_back_whole_with_an_id() {
        String tenant = tenant();
        AuditEntry given = new AuditEntry(0, tenant, T0, "key:k-1", AuditActions.RUN_CANCEL, "run/01JABC",
                AuditActions.DENIED, "10.1.2.3", "baton-cli/1.0", "req-42",
                Map.of("status", "403", "path", "/api/v1/runs/01JABC/cancel"));

        AuditEntry stored = log.append(given);

        assertThat(stored.id()).isPositive();
        assertThat(stored).usingRecursiveComparison().ignoringFields("id").isEqualTo(given);
        Page<AuditEntry> page = log.query(new AuditQuery(tenant, null, null, null, null, null, 10));
        assertThat(page.items()).containsExactly(stored);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void optional_fields_may_be_absent() {
        String tenant = tenant();
        AuditEntry given = new AuditEntry(0, tenant, T0, "jwt", AuditActions.AUTH_FAILED, null,
                AuditActions.DENIED, null, null, null, Map.of());

        AuditEntry stored = log.append(given);

        assertThat(log.query(new AuditQuery(tenant, null, null, null, null, null, 10)).items()).containsExactly(stored);
        assertThat(stored.target()).isNull();
        assertThat(stored.userAgent()).isNull();
        assertThat(stored.details()).isEmpty();
    }

    @Test
    void ids_grow_and_entries_are_listed_newest_first() {
        String tenant = tenant();
        AuditEntry first = log.append(entry(tenant, T0, "local", AuditActions.WORKFLOW_REGISTER));
        AuditEntry second = log.append(entry(tenant, T0.minusSeconds(60), "local", AuditActions.RUN_START));
        AuditEntry third = log.append(entry(tenant, T0.plusSeconds(1), "local", AuditActions.RUN_CANCEL));

        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(third.id()).isGreaterThan(second.id());
        // by id, not by time: the order of appending is the order of the log
        assertThat(log.query(new AuditQuery(tenant, null, null, null, null, null, 10)).items())
                .containsExactly(third, second, first);
    }

    @Test
    void a_tenant_sees_only_its_own_entries() {
        String mine = tenant();
        String theirs = tenant();
        AuditEntry own = log.append(entry(mine, T0, "key:a", AuditActions.RUN_START));
        log.append(entry(theirs, T0, "key:b", AuditActions.RUN_START));

        assertThat(log.query(new AuditQuery(mine, null, null, null, null, null, 10)).items()).containsExactly(own);
        assertThat(log.query(new AuditQuery(tenant(), null, null, null, null, null, 10)).items()).isEmpty();
    }

    @Test
    void the_action_filter_selects_the_action_or_every_action_under_it() {
        String tenant = tenant();
        AuditEntry start = log.append(entry(tenant, T0, "local", "run.start"));
        AuditEntry batch = log.append(entry(tenant, T0, "local", "run.start-batch"));
        AuditEntry cancel = log.append(entry(tenant, T0, "local", "run.cancel"));
        log.append(entry(tenant, T0, "local", "runner.start"));
        log.append(entry(tenant, T0, "local", "workflow.register"));

        assertThat(query(tenant, "run", null, null, null)).containsExactly(cancel, batch, start);
        assertThat(query(tenant, "run.start", null, null, null)).containsExactly(start);
        assertThat(query(tenant, "run.st", null, null, null)).isEmpty();
        assertThat(query(tenant, "ru", null, null, null)).isEmpty();
    }

    @Test
    void the_action_filter_takes_sql_wildcards_literally() {
        String tenant = tenant();
        log.append(entry(tenant, T0, "local", "run.start"));

        assertThat(query(tenant, "r_n", null, null, null)).isEmpty();
        assertThat(query(tenant, "%", null, null, null)).isEmpty();
        assertThat(query(tenant, "run.%", null, null, null)).isEmpty();
    }

    @Test
    void filters_by_actor_and_by_time_range_with_since_inclusive_and_until_exclusive() {
        String tenant = tenant();
        AuditEntry early = log.append(entry(tenant, T0, "key:a", "run.start"));
        AuditEntry middle = log.append(entry(tenant, T0.plusSeconds(10), "key:b", "run.start"));
        AuditEntry late = log.append(entry(tenant, T0.plusSeconds(20), "key:a", "run.start"));

        assertThat(query(tenant, null, "key:a", null, null)).containsExactly(late, early);
        assertThat(query(tenant, null, "key:c", null, null)).isEmpty();
        assertThat(query(tenant, null, null, T0.plusSeconds(10), null)).containsExactly(late, middle);
        assertThat(query(tenant, null, null, null, T0.plusSeconds(10))).containsExactly(early);
        assertThat(query(tenant, null, null, T0.plusSeconds(10), T0.plusSeconds(20))).containsExactly(middle);
        assertThat(query(tenant, "run", "key:a", T0.plusSeconds(1), null)).containsExactly(late);
    }

    @Test
    void pages_follow_the_cursor_without_gaps_or_repeats() {
        String tenant = tenant();
        List<AuditEntry> appended = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            appended.add(log.append(entry(tenant, T0.plusSeconds(i), "local", i % 2 == 0 ? "run.start" : "run.cancel")));
        }
        List<AuditEntry> read = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<AuditEntry> page = log.query(new AuditQuery(tenant, null, null, null, null, cursor, 3));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            read.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(read).containsExactlyElementsOf(appended.reversed());
    }

    @Test
    void a_full_last_page_has_no_cursor() {
        String tenant = tenant();
        log.append(entry(tenant, T0, "local", "run.start"));
        log.append(entry(tenant, T0, "local", "run.start"));

        Page<AuditEntry> page = log.query(new AuditQuery(tenant, null, null, null, null, null, 2));

        assertThat(page.items()).hasSize(2);
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void filtered_pages_follow_the_cursor() {
        String tenant = tenant();
        List<AuditEntry> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            starts.add(log.append(entry(tenant, T0, "local", "run.start")));
            log.append(entry(tenant, T0, "local", "workflow.register"));
        }

        Page<AuditEntry> first = log.query(new AuditQuery(tenant, "run", null, null, null, null, 3));
        Page<AuditEntry> second = log.query(new AuditQuery(tenant, "run", null, null, null, first.nextCursor(), 3));

        assertThat(first.items()).containsExactly(starts.get(4), starts.get(3), starts.get(2));
        assertThat(second.items()).containsExactly(starts.get(1), starts.get(0));
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void a_malformed_cursor_is_invalid_input() {
        assertThatThrownBy(() -> log.query(new AuditQuery(tenant(), null, null, null, null, "not-a-cursor", 5)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("cursor");
                });
    }

    @Test
    void long_client_supplied_values_are_stored_cut_rather_than_refused() {
        String tenant = tenant();
        String agent = "agent-" + "x".repeat(2_000);
        String target = "workflow/" + "w".repeat(1_000);
        AuditEntry stored = log.append(new AuditEntry(0, tenant, T0, "local", "workflow.register", target,
                AuditActions.FAILED, "127.0.0.1", agent, "req", Map.of("forwardedFor", "1.2.3.4, ".repeat(500))));

        AuditEntry read = log.query(new AuditQuery(tenant, null, null, null, null, null, 1)).items().getFirst();

        assertThat(read).isEqualTo(stored);
        assertThat(agent).startsWith(read.userAgent());
        assertThat(read.userAgent().length()).isGreaterThanOrEqualTo(200);
        assertThat(target).startsWith(read.target());
        assertThat(read.details().get("forwardedFor")).startsWith("1.2.3.4, 1.2.3.4");
    }

    @Test
    void control_characters_from_clients_are_stored_replaced_never_refused() {
        String tenant = tenant();
        AuditEntry stored = log.append(new AuditEntry(0, tenant, T0, "jwt:\u0000x\r\nadmin", AuditActions.AUTH_FAILED,
                "workflow/\u0000", AuditActions.DENIED, "127.0.0.1", "curl\r\nX-Forged: 1\u0000", "req\n",
                Map.of("path", "/api/v1/workflows/\u0000", "reason\u0000", "bad\u2028token")));

        AuditEntry read = log.query(new AuditQuery(tenant, null, null, null, null, null, 1)).items().getFirst();

        assertThat(read).isEqualTo(stored);
        assertThat(read.actor()).isEqualTo("jwt:\uFFFDx\uFFFD\uFFFDadmin");
        assertThat(read.target()).isEqualTo("workflow/\uFFFD");
        assertThat(read.userAgent()).isEqualTo("curl\uFFFD\uFFFDX-Forged: 1\uFFFD");
        assertThat(read.requestId()).isEqualTo("req\uFFFD");
        assertThat(read.details()).containsEntry("path", "/api/v1/workflows/\uFFFD")
                .containsEntry("reason\uFFFD", "bad\uFFFDtoken");
    }

    @Test
    void concurrent_appends_get_distinct_ids_and_are_all_kept() throws Exception {
        String tenant = tenant();
        int count = 40;
        List<Future<AuditEntry>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < count; i++) {
                String actor = "key:" + i;
                futures.add(pool.submit(() -> log.append(entry(tenant, T0, actor, "run.start"))));
            }
            Set<Long> ids = new HashSet<>();
            for (Future<AuditEntry> future : futures) {
                ids.add(future.get().id());
            }
            assertThat(ids).hasSize(count);
        }
        assertThat(log.query(new AuditQuery(tenant, null, null, null, null, null, 1000)).items()).hasSize(count);
    }

    private List<AuditEntry> query(String tenant, String action, String actor, Instant since, Instant until) {
        return log.query(new AuditQuery(tenant, action, actor, since, until, null, 100)).items();
    }
}
