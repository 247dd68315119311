package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.gateway.usage.UsageDimension;
import dev.baton.gateway.usage.UsageQuery;
import dev.baton.gateway.usage.UsageRecord;
import dev.baton.gateway.usage.UsageTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the JDBC usage store does beyond the contract: durability, oversized values, failures. */
class JdbcUsageStoreTest {
    @TempDir
    Path data;

    private static UsageRecord record(String principal, String runId) {
        return new UsageRecord(Instant.parse("2026-03-01T10:00:00.123456789Z"), principal, runId, null, null, "gpt",
                "gpt-1", "openai", "gpt-4o-mini", "chat", 12, 3, true, 0.5, Duration.ofNanos(1_234_567),
                Duration.ofMillis(80), false, null);
    }

    private static UsageQuery byPrincipal() {
        return new UsageQuery(UsageDimension.PRINCIPAL, null, null, Map.of());
    }

    @Test
    void usage_survives_closing_and_reopening_the_database() {
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data))) {
            stores.usage().append(List.of(record("k1", "r1"), record("k1", null)));
        }
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data))) {
            assertThat(stores.usage().summarize(byPrincipal()))
                    .containsExactly(new UsageTotals("k1", 2, 0, 0, 24, 6, true, 1.0));
        }
    }

    @Test
    void values_longer_than_their_column_are_cut_instead_of_failing_the_batch() {
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data))) {
            stores.usage().append(List.of(record("p".repeat(500), "r".repeat(100)), record("k1", "r1")));

            assertThat(stores.usage().summarize(byPrincipal())).extracting(UsageTotals::key)
                    .containsExactly("k1", "p".repeat(200));
        }
    }

    @Test
    void a_store_that_cannot_write_or_read_is_store_unavailable() {
        JdbcStores stores = JdbcStores.open(StoreConfig.h2(data));
        stores.close();

        assertThatThrownBy(() -> stores.usage().append(List.of(record("k1", null))))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("append 1 usage records");
                });
        assertThatThrownBy(() -> stores.usage().summarize(byPrincipal()))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("summarize usage by principal");
                });
    }
}
