package dev.baton.store.jdbc;

import dev.baton.core.run.Run;
import dev.baton.core.store.StoreFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection URL (hand-written H2 URLs get the durability settings the embedded default has) and timeout. */
class StoreConfigTest {

    @TempDir
    Path data;

    @Test
    void a_hand_written_h2_url_gets_the_durability_settings() {
        StoreConfig config = new StoreConfig("jdbc:h2:file:./data/baton", "sa", "", 4);

        assertThat(config.connectionUrl()).isEqualTo("jdbc:h2:file:./data/baton;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(config.url()).as("the configured URL itself").isEqualTo("jdbc:h2:file:./data/baton");
    }

    @Test
    void settings_the_url_makes_itself_are_kept() {
        StoreConfig config = new StoreConfig("jdbc:h2:file:./x;write_delay=500;MODE=PostgreSQL", "", "", 1);

        assertThat(config.connectionUrl()).isEqualTo("jdbc:h2:file:./x;write_delay=500;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(StoreConfig.h2(data).connectionUrl()).isEqualTo(StoreConfig.h2(data).url());
    }

    @Test
    void postgresql_urls_are_unchanged() {
        String url = "jdbc:postgresql://localhost:5432/baton?ssl=false";

        assertThat(new StoreConfig(url, "baton", "secret", 2).connectionUrl()).isEqualTo(url);
    }

    @Test
    void the_connection_timeout_defaults_to_5_seconds_and_is_validated() {
        StoreConfig config = StoreConfig.postgresql("jdbc:postgresql://db/baton", "baton", "secret", 4);

        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.withConnectionTimeout(Duration.ofSeconds(2)).connectionTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(config.toString()).contains("connectionTimeout=PT5S").doesNotContain("secret");
        for (Duration bad : new Duration[] {Duration.ofMillis(249), Duration.ofMinutes(11), null}) {
            assertThatThrownBy(() -> config.withConnectionTimeout(bad))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                        assertThat(e.getMessage()).contains("store.connectionTimeout");
                    });
        }
    }

    @Test
    void the_pool_waits_at_most_the_connection_timeout() {
        StoreConfig config = new StoreConfig(StoreConfig.h2(data).url(), "", "", 1)
                .withConnectionTimeout(Duration.ofMillis(750));

        try (JdbcStores stores = JdbcStores.open(config)) {
            var pool = (com.zaxxer.hikari.HikariDataSource) stores.dataSource();
            assertThat(pool.getConnectionTimeout()).isEqualTo(750);
            assertThat(pool.getValidationTimeout()).isEqualTo(375);
        }
    }

    @Test
    void a_pool_of_one_connection_is_enough_to_migrate_and_use_the_store() {
        try (JdbcStores stores = JdbcStores.open(new StoreConfig(StoreConfig.h2(data).url(), "", "", 1))) {
            Run run = stores.runs().create(StoreFixtures.queued("default", "wf", 1));
            assertThat(stores.runs().find("default", run.id())).isPresent();
        }
    }

    @Test
    void a_store_opened_from_a_bare_h2_url_writes_every_commit_at_once() throws Exception {
        String url = "jdbc:h2:file:" + data.resolve("baton").toAbsolutePath();

        try (JdbcStores stores = JdbcStores.open(new StoreConfig(url, "", "", 1));
             Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(rows.next()).as("H2 reports WRITE_DELAY").isTrue();
            assertThat(rows.getString(1)).isEqualTo("0");
        }
    }
}
