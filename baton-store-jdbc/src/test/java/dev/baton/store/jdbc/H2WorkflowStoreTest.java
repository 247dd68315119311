package dev.baton.store.jdbc;

import dev.baton.core.store.WorkflowStore;
import dev.baton.core.store.WorkflowStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The workflow store contract on an H2 file database. */
class H2WorkflowStoreTest extends WorkflowStoreContract {
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
    protected WorkflowStore emptyStore() {
        Databases.empty(stores);
        return stores.workflows();
    }
}
