package dev.baton.store.jdbc;

import dev.baton.gateway.limits.BucketStore;
import dev.baton.gateway.limits.InstantTimeMeter;
import dev.baton.gateway.limits.LocalBuckets;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The gateway's token buckets in PostgreSQL (table {@code gateway_buckets}, migration V5), shared by every node
 * of the database, so a requests-per-minute or tokens-per-minute limit holds for the cluster.
 *
 * <p>Bucket4j's {@code PostgreSQLSelectForUpdateBasedProxyManager}: each bucket operation is one transaction that
 * reads the bucket's serialised state with {@code SELECT ... FOR UPDATE} (row lock: operations on one bucket are
 * serialised across nodes, operations on different buckets do not wait for each other), applies the operation on
 * the node and writes the state back with {@code UPDATE}; the first operation on a new bucket inserts its row
 * ({@code INSERT ... ON CONFLICT DO NOTHING}). That is 3 round trips per operation (the select with the implicit
 * {@code BEGIN}, the update, the commit; counted in {@code GatewayRoundTripsTest}), 8 once when a bucket is
 * created. Bucket4j's alternative with advisory locks costs one round trip more. Concurrent operations of this
 * node on one bucket are batched (Bucket4j's {@code batching} optimisation: while one transaction is in progress,
 * the operations that arrive wait and then go to the database together in one), which keeps a busy key's row lock
 * from becoming a queue of transactions; the result of each operation is exact, as without batching.
 *
 * <p><b>Time</b> is the node's, not the database's: Bucket4j computes refills on the client, here from the injected
 * {@link InstantSource} ({@code clientClock}). Nodes' clocks must agree (NTP): a node whose clock is behind by
 * {@code d} sees up to {@code d × rate} tokens fewer than a synchronised node would (Bucket4j never refills
 * backwards), one ahead sees that many more; at 100 requests per minute, 1 s of skew is under 2 requests.
 *
 * <p>Each operation has a 5 s statement timeout; a failure is Bucket4j's exception, which the gateway turns
 * into {@code STORE_UNAVAILABLE}. Handles are cached per name (they hold no connection). Thread-safe.
 */
public final class JdbcBuckets implements BucketStore {
    /** The longest a bucket operation may wait for the database. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final ProxyManager<String> proxies;
    private final ConcurrentMap<String, Bucket> handles = new ConcurrentHashMap<>();

    /**
     * @param dataSource connections to a PostgreSQL database migrated by {@link JdbcStores}
     * @param clock      the time Bucket4j computes refills with
     */
    public JdbcBuckets(DataSource dataSource, InstantSource clock) {
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(Objects.requireNonNull(dataSource, "dataSource"))
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("gateway_buckets")
                .idColumn("name")
                .stateColumn("state")
                .clientClock(new InstantTimeMeter(clock))
                .requestTimeout(REQUEST_TIMEOUT)
                .build();
    }

    @Override
    public Bucket bucket(String name, BucketConfiguration configuration) {
        LocalBuckets.checkName(name);
        Objects.requireNonNull(configuration, "configuration");
        return handles.computeIfAbsent(name, key -> proxies.builder()
                .withOptimization(Optimizations.batching())
                .build(key, () -> configuration));
    }
}
