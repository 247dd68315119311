package dev.baton.store.jdbc;

import dev.baton.core.security.AuditActions;
import dev.baton.core.security.AuditEntry;
import dev.baton.core.security.AuditLog;
import dev.baton.core.security.AuditLogContract;
import dev.baton.core.security.AuditQuery;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log contract on a real PostgreSQL server started for this class, and the table's refusal of every
 * change but INSERT, even from SQL sent directly with Baton's own database role.
 */
class PostgresAuditLogTest extends AuditLogContract {
    private static EmbeddedPostgres postgres;
    private static JdbcStores stores;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        stores = Databases.openPostgres(postgres);
    }

    @AfterAll
    static void stop() throws IOException {
        stores.close();
        postgres.close();
    }

    @Override
    protected AuditLog auditLog() {
        return stores.audit();
    }

    @Test
    void the_table_refuses_update_delete_and_truncate() {
        String tenant = tenant();
        AuditEntry kept = log.append(new AuditEntry(0, tenant, T0, "key:k-1", AuditActions.KEY_REVOKE, "key/k-2",
                AuditActions.SUCCESS, "10.0.0.1", null, "req-1", Map.of("status", "204")));

        for (String sql : new String[] {
                "UPDATE audit_log SET actor = 'someone-else' WHERE id = " + kept.id(),
                "DELETE FROM audit_log WHERE id = " + kept.id(),
                "TRUNCATE audit_log"}) {
            assertThatThrownBy(() -> execute(sql)).as(sql)
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("42501");
                        assertThat(e.getMessage()).contains("audit_log is append-only");
                    });
        }

        assertThat(log.query(new AuditQuery(tenant, null, null, null, null, null, 10)).items()).containsExactly(kept);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
