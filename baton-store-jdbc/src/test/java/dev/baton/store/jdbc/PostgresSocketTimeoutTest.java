package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static dev.baton.core.store.StoreFixtures.queued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database that stops answering (as behind a network partition, where no TCP reset comes) fails calls after
 * {@code StoreConfig.socketTimeout} with STORE_UNAVAILABLE instead of hanging them, and the pool replaces the
 * connection it gave up on. "Stops answering" is played by a statement that outlasts the timeout: a lock wait, or
 * {@code pg_sleep}.
 */
class PostgresSocketTimeoutTest {
    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        // one connection: the calls after the timeout can only succeed on a new one
        stores = JdbcStores.open(StoreConfig.postgresql(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 1)
                .withSocketTimeout(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() throws IOException {
        stores.close();
        postgres.close();
    }

    @Test
    void a_call_without_an_answer_fails_with_store_unavailable_and_the_pool_keeps_working() throws SQLException {
        Run blocked = stores.runs().create(queued("t", "wf", 1));
        Run free = stores.runs().create(queued("t", "wf", 2));
        try (Connection other = postgres.getPostgresDatabase().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT 1 FROM runs WHERE id = ? FOR UPDATE")) {
                lock.setString(1, blocked.id());
                lock.executeQuery().close();
            }

            assertThatThrownBy(() -> stores.leases().claim(blocked.id(), "a", Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(BatonException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.retriable()).isTrue();
                        assertThat(e.getMessage()).contains("claim run " + blocked.id()).contains("SQL state 08");
                    });

            assertThat(stores.leases().claim(free.id(), "a", Duration.ofSeconds(30))).as("a new connection")
                    .isPresent();
            assertThat(stores.runs().find("t", blocked.id())).isPresent();
            other.rollback();
        }
    }

    @Test
    void a_statement_longer_than_the_socket_timeout_is_cut_off_and_its_connection_replaced() throws SQLException {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("SELECT pg_sleep(30)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).startsWith("08");
                        assertThat(SqlValues.failure("sleep", e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    });
            assertThat(connection.isClosed()).as("pgjdbc closes a connection it timed out").isTrue();
        }

        assertThat(stores.runs().create(queued("t", "wf", 3))).isNotNull();
    }
}
