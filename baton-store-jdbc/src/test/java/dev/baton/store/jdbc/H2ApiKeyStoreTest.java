package dev.baton.store.jdbc;

import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The API key store contract on an H2 file database. */
class H2ApiKeyStoreTest extends ApiKeyStoreContract {
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
    protected ApiKeyStore emptyStore() {
        Databases.empty(stores);
        return stores.apiKeys();
    }
}
