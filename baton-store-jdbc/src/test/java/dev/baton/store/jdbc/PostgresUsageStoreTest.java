package dev.baton.store.jdbc;

import dev.baton.gateway.usage.UsageStore;
import dev.baton.gateway.usage.UsageStoreContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/** The usage store contract on a real PostgreSQL server started for this class. */
class PostgresUsageStoreTest extends UsageStoreContract {
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
    protected UsageStore emptyStore() {
        Databases.empty(stores);
        return stores.usage();
    }
}
