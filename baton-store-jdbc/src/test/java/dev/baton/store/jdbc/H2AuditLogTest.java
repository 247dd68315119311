package dev.baton.store.jdbc;

import dev.baton.core.security.AuditLog;
import dev.baton.core.security.AuditLogContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The audit log contract on an H2 file database. */
class H2AuditLogTest extends AuditLogContract {
    @TempDir
    static Path data;
    private static JdbcStores stores;

    @BeforeAll
    static void open() {
        stores = JdbcStores.open(StoreConfig.h2(data));
    }

    @AfterAll
    static void close() {
        stores.close();
    }

    @Override
    protected AuditLog auditLog() {
        return stores.audit();
    }
}
