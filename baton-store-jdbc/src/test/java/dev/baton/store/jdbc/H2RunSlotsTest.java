package dev.baton.store.jdbc;

import dev.baton.core.security.RunSlots;
import dev.baton.core.security.RunSlotsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;

/** The run slots contract on an H2 file database. */
class H2RunSlotsTest extends RunSlotsContract {
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
    protected RunSlots emptySlots() {
        Databases.empty(stores);
        return stores.runSlots(InstantSource.system());
    }
}
