package dev.baton.store.jdbc;

import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The usage store contract on an H2 file database. */
class H2UsageStoreTest extends UsageStoreContract {
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
    protected UsageStore emptyStore() {
        Databases.empty(stores);
        return stores.usage();
    }
}
