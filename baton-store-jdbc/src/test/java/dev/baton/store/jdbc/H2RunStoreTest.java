package dev.baton.store.jdbc;

import dev.baton.core.store.RunStore;
import dev.baton.core.store.RunStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The run store contract on an H2 file database. */
class H2RunStoreTest extends RunStoreContract {
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
    protected RunStore emptyStore() {
        Databases.empty(stores);
        return stores.runs();
    }
}
