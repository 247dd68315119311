package dev.baton.store.jdbc;

import dev.baton.core.store.RunAnalyticsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The run analytics contract on an H2 file database. */
class H2RunAnalyticsTest extends RunAnalyticsContract {
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
    protected Stores emptyStores() {
        Databases.empty(stores);
        return new Stores(stores.runs(), stores.analytics());
    }
}
