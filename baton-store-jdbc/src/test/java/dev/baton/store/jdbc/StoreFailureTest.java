package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.baton.core.store.StoreFixtures.queued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failures become retriable STORE_UNAVAILABLE with the SQL state, and never show credentials. */
class StoreFailureTest {

    @TempDir
    Path data;

    @Test
    void an_unreachable_database_is_store_unavailable_without_the_password() {
        StoreConfig config = StoreConfig.postgresql("jdbc:postgresql://127.0.0.1:1/baton?connectTimeout=2", "baton",
                "s3cret-pw", 2);

        assertThatThrownBy(() -> JdbcStores.open(config)).isInstanceOfSatisfying(BatonException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("SQL state").contains("jdbc:postgresql://127.0.0.1:1/baton")
                    .doesNotContain("s3cret-pw").doesNotContain("connectTimeout");
        });
    }

    @Test
    void a_failing_statement_is_store_unavailable_with_its_sql_state() {
        JdbcStores stores = JdbcStores.open(StoreConfig.h2(data));
        stores.close();

        assertThatThrownBy(() -> stores.runs().create(queued("default", "wf", 1)))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getMessage()).contains("create run").contains("SQL state");
                });
        assertThatThrownBy(() -> stores.workflows().list("default"))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    @Test
    void a_config_never_prints_its_password() {
        StoreConfig config = StoreConfig.postgresql("jdbc:postgresql://db:5432/baton?password=inline", "baton",
                "s3cret-pw", 8);

        assertThat(config.toString()).doesNotContain("s3cret-pw").doesNotContain("inline").contains("***");
    }

    @Test
    void rejects_urls_of_other_databases_and_bad_pool_sizes_naming_the_field() {
        assertThatThrownBy(() -> new StoreConfig("jdbc:mysql://db/baton", "u", "p", 4))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("store.url");
                });
        assertThatThrownBy(() -> StoreConfig.postgresql("jdbc:postgresql://db/baton", "u", "p", 0))
                .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("store.poolSize"));
    }

    @Test
    void rejects_identifiers_longer_than_their_columns_naming_the_field() {
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(data))) {
            var run = queued("default", "w".repeat(201), 1);

            assertThatThrownBy(() -> stores.runs().create(run)).isInstanceOfSatisfying(BatonException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                assertThat(e.getMessage()).contains("workflowId");
            });
            assertThatThrownBy(() -> stores.workflows().save("default", "w".repeat(201), "id: w"))
                    .isInstanceOfSatisfying(BatonException.class, e -> assertThat(e.getMessage()).contains("workflowId"));
        }
    }
}
