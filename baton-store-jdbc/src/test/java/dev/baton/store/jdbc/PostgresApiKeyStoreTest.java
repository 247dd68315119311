package dev.baton.store.jdbc;

import dev.baton.core.security.ApiKeyStore;
import dev.baton.core.security.ApiKeyStoreContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/** The API key store contract on a real PostgreSQL server started for this class. */
class PostgresApiKeyStoreTest extends ApiKeyStoreContract {
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
    protected ApiKeyStore emptyStore() {
        Databases.empty(stores);
        return stores.apiKeys();
    }
}
