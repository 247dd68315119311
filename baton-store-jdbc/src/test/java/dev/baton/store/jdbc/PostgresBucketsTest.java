package dev.baton.store.jdbc;

import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.limits.BucketStoreContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/**
 * The bucket store contract for the PostgreSQL buckets (Bucket4j's select-for-update proxy manager), two nodes
 * being two connection pools on one real PostgreSQL server.
 */
class PostgresBucketsTest extends BucketStoreContract {
    private static EmbeddedPostgres postgres;
    private static JdbcStores node1;
    private static JdbcStores node2;

    @BeforeAll
    static void start() {
        postgres = Databases.startPostgres();
        node1 = Databases.openPostgres(postgres);
        node2 = Databases.openPostgres(postgres);
    }

    @AfterAll
    static void stop() throws IOException {
        node1.close();
        node2.close();
        postgres.close();
    }

    @Override
    protected BucketStore emptyStore() {
        Databases.empty(node1);
        return node1.gatewayBuckets(clock);
    }

    @Override
    protected BucketStore sameBucketsElsewhere() {
        return node2.gatewayBuckets(clock);
    }
}
