package dev.baton.store.jdbc;

import dev.baton.core.store.RunAnalyticsContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/** The run analytics contract on a real PostgreSQL server started for this class. */
class PostgresRunAnalyticsTest extends RunAnalyticsContract {
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
    protected Stores emptyStores() {
        Databases.empty(stores);
        return new Stores(stores.runs(), stores.analytics());
    }
}
