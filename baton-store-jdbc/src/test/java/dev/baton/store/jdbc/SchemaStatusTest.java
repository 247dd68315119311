package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaStatusTest {

    @Test
    void a_freshly_migrated_h2_database_is_at_the_newest_migration_of_the_build(@TempDir Path dir) {
        try (JdbcStores stores = JdbcStores.open(StoreConfig.h2(dir))) {
            SchemaStatus schema = stores.schema();

            assertThat(schema.current()).isTrue();
            assertThat(schema.applied()).isEqualTo(schema.expected());
            assertThat(Integer.parseInt(schema.expected())).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void a_closed_store_cannot_say_its_schema_version() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "baton-schema-" + System.nanoTime());
        JdbcStores stores = JdbcStores.open(StoreConfig.h2(dir));
        stores.close();

        assertThatThrownBy(stores::schema)
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    @Test
    void an_older_or_missing_applied_version_is_not_current_and_a_newer_one_is() {
        assertThat(new SchemaStatus("2", "3").current()).isFalse();
        assertThat(new SchemaStatus(null, "3").current()).isFalse();
        assertThat(new SchemaStatus("3", "3").current()).isTrue();
        assertThat(new SchemaStatus("10", "3").current()).isTrue();
        assertThat(new SchemaStatus("3.1", "3").current()).isTrue();
    }
}
