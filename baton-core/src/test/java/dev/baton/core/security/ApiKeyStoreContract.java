package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.store.Page;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ApiKeyStore} promises: keys round-trip exactly, ids and prefixes are unique, lookups by
 * prefix cross tenants while lookups by id do not, listings are newest first in cursor pages, revocation keeps
 * its first time, and touching only moves the last-use time forward. Extend it once per implementation.
 */
public abstract class ApiKeyStoreContract {
    /** A fixed instant at whole microseconds (what every store keeps). */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    private final SplittableRandom random = new SplittableRandom(42);
    protected ApiKeyStore store;

    /** A store with no keys. Called before every test. */
    protected abstract ApiKeyStore emptyStore();

    @BeforeEach
    void setUpStore() {
        store = emptyStore();
    }

    private ApiKey key(String id, String tenant, Instant createdAt, Role... roles) {
        ApiKeyToken token = ApiKeyToken.generate(random);
        return new ApiKey(id, tenant, "key " + id, token.prefix(), token.hash(),
                roles.length == 0 ? Set.of(Role.VIEWER) : EnumSet.copyOf(List.of(roles)), Quotas.NONE, createdAt,
                "key:creator", null, null, null);
    }

    @Test
    void a_created_key_reads_back_exactly_by_prefix_and_by_id() {
        ApiKey key = new ApiKey("key_1", "acme", "billing service", "bt_Ab3dE9xQ", "ab".repeat(32),
                Set.of(Role.DEVELOPER, Role.OPERATOR), new Quotas(60, 1000, 2, 10_000, 1.5, 100_000, 20.25),
                T0, "key:root", T0.plus(Duration.ofDays(30)), null, null);

        store.create(key);

        assertThat(store.findByPrefix("bt_Ab3dE9xQ")).contains(key);
        assertThat(store.find("acme", "key_1")).contains(key);
    }

    @Test
    void a_key_of_another_tenant_is_not_found_by_id_but_is_by_prefix() {
        ApiKey key = key("key_1", "acme", T0);
        store.create(key);

        assertThat(store.find("globex", "key_1")).isEmpty();
        assertThat(store.findByPrefix(key.prefix())).contains(key);
        assertThat(store.findByPrefix("bt_00000000")).isEmpty();
        assertThat(store.find("acme", "key_2")).isEmpty();
    }

    @Test
    void a_duplicate_id_or_prefix_is_a_conflict() {
        ApiKey key = key("key_1", "acme", T0);
        store.create(key);
        ApiKey samePrefix = new ApiKey("key_2", "acme", "other", key.prefix(), "cd".repeat(32), Set.of(Role.VIEWER),
                Quotas.NONE, T0, "key:creator", null, null, null);
        ApiKey sameId = key("key_1", "globex", T0);

        assertThatThrownBy(() -> store.create(samePrefix)).isInstanceOf(BatonException.class)
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> store.create(sameId)).isInstanceOf(BatonException.class)
                .extracting(e -> ((BatonException) e).code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(store.find("acme", "key_2")).isEmpty();
        assertThat(store.findByPrefix(sameId.prefix())).isEmpty();
    }

    @Test
    void of_concurrent_creations_with_one_prefix_exactly_one_wins() throws Exception {
        ApiKey first = key("key_0", "acme", T0);
        int writers = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                ApiKey contender = new ApiKey("key_" + i, "acme", "contender " + i, first.prefix(), first.hash(),
                        Set.of(Role.VIEWER), Quotas.NONE, T0, "key:creator", null, null, null);
                outcomes.add(threads.submit(() -> {
                    go.await();
                    try {
                        store.create(contender);
                        return true;
                    } catch (BatonException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        return false;
                    }
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> outcome : outcomes) {
                won += outcome.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        }
        assertThat(store.list("acme", null, 100).items()).hasSize(1);
    }

    @Test
    void listing_is_newest_first_in_pages_of_the_tenant_only() {
        List<ApiKey> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ApiKey key = key("key_" + i, "acme", T0.plus(i, ChronoUnit.MINUTES));
            store.create(key);
            created.add(key);
        }
        // same creation time: ordered by id, descending
        ApiKey tieA = key("key_tie_a", "acme", T0.plus(10, ChronoUnit.MINUTES));
        ApiKey tieB = key("key_tie_b", "acme", T0.plus(10, ChronoUnit.MINUTES));
        store.create(tieA);
        store.create(tieB);
        store.create(key("key_other", "globex", T0.plus(20, ChronoUnit.MINUTES)));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<ApiKey> page = store.list("acme", cursor, 3);
            page.items().forEach(k -> seen.add(k.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(seen).containsExactly("key_tie_b", "key_tie_a", "key_4", "key_3", "key_2", "key_1", "key_0");
        assertThat(pages).isEqualTo(3);
        assertThat(store.list("acme", null, 7).nextCursor()).isNull();
        assertThat(store.list("nobody", null, 10).items()).isEmpty();
    }

    @Test
    void a_bad_cursor_or_limit_is_invalid_input() {
        assertThatThrownBy(() -> store.list("acme", "not a cursor!", 10)).isInstanceOf(BatonException.class)
                .hasMessageContaining("cursor");
        assertThatThrownBy(() -> store.list("acme", null, 0)).isInstanceOf(BatonException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.list("acme", null, 1001)).isInstanceOf(BatonException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void revoking_keeps_the_first_revocation_time_and_stays_listed() {
        ApiKey key = key("key_1", "acme", T0);
        store.create(key);
        Instant first = T0.plus(1, ChronoUnit.HOURS);

        ApiKey revoked = store.revoke("acme", "key_1", first).orElseThrow();
        ApiKey again = store.revoke("acme", "key_1", first.plus(1, ChronoUnit.HOURS)).orElseThrow();

        assertThat(revoked.revokedAt()).isEqualTo(first);
        assertThat(again.revokedAt()).isEqualTo(first);
        assertThat(revoked.isActive(first)).isFalse();
        assertThat(store.findByPrefix(key.prefix()).orElseThrow().revokedAt()).isEqualTo(first);
        assertThat(store.list("acme", null, 10).items()).extracting(ApiKey::id).containsExactly("key_1");
    }

    @Test
    void revoking_another_tenants_key_finds_nothing_and_changes_nothing() {
        store.create(key("key_1", "acme", T0));

        assertThat(store.revoke("globex", "key_1", T0.plus(1, ChronoUnit.HOURS))).isEmpty();
        assertThat(store.revoke("acme", "missing", T0)).isEmpty();
        assertThat(store.find("acme", "key_1").orElseThrow().revokedAt()).isNull();
    }

    @Test
    void touching_moves_the_last_use_forward_only() {
        store.create(key("key_1", "acme", T0));
        Instant later = T0.plus(5, ChronoUnit.MINUTES);

        store.touch("key_1", later);
        store.touch("key_1", T0.plus(1, ChronoUnit.MINUTES));
        store.touch("missing", later);

        assertThat(store.find("acme", "key_1").orElseThrow().lastUsedAt()).isEqualTo(later);
    }
}
