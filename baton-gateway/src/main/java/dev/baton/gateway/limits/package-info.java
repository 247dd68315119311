/**
 * Where the gateway's token buckets live: the {@link dev.baton.gateway.limits.BucketStore} plug-in interface, so
 * that one node keeps its requests-per-minute and tokens-per-minute buckets in memory
 * ({@link dev.baton.gateway.limits.LocalBuckets}, the default) while the nodes of a cluster share them through
 * their database (the PostgreSQL implementation lives in {@code baton-store-jdbc}).
 *
 * <p>Depends on Bucket4j's core only (its {@code Bucket} and {@code BucketConfiguration} are the currency of the
 * interface: local and remote Bucket4j buckets behave alike) and baton-core's error model; never on JDBC.
 */
package dev.baton.gateway.limits;
