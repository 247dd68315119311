package dev.baton.store.jdbc;

import dev.baton.core.security.RunSlots;
import dev.baton.core.security.RunSlotsContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The run slots contract on a real PostgreSQL server, shared by three "nodes" (three stores, each with its own
 * connection pool): the concurrent claims of the contract go through all three, so the limit is proven to hold
 * for a cluster.
 */
class PostgresRunSlotsTest extends RunSlotsContract {
    private static EmbeddedPostgres postgres;
    private static final List<JdbcStores> NODES = new ArrayList<>();

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        for (int i = 0; i < 3; i++) {
            NODES.add(Databases.openPostgres(postgres));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        NODES.forEach(JdbcStores::close);
        postgres.close();
    }

    @Override
    protected RunSlots emptySlots() {
        Databases.empty(NODES.getFirst());
        return NODES.getFirst().runSlots(InstantSource.system());
    }

    @Override
    protected RunSlots slots(String holder) {
        return NODES.get(Math.floorMod(holder.hashCode(), NODES.size())).runSlots(InstantSource.system());
    }
}
