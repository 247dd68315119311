package dev.baton.store.jdbc;

import dev.baton.core.cluster.RunLeases;
import dev.baton.core.cluster.RunLeasesContract;
import dev.baton.core.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.time.Duration;

/** The run leases contract on a real PostgreSQL server started for this class. */
class PostgresRunLeasesContractTest extends RunLeasesContract {
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
    protected RunStore emptyStore() {
        Databases.empty(stores);
        return stores.runs();
    }

    @Override
    protected RunLeases leasesOf(RunStore store) {
        return stores.leases();
    }

    /** Lease times are PostgreSQL's clock, which no test can move: the contract's short leases expire by waiting. */
    @Override
    protected void passTime(Duration amount) {
        try {
            Thread.sleep(amount);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while letting leases expire", e);
        }
    }
}
