/**
 * {@link dev.baton.core.store.RunStore}, {@link dev.baton.core.store.WorkflowStore},
 * {@link dev.baton.core.store.RunAnalytics} (figures per workflow, step and tenant in SQL) and the AI gateway's
 * {@link dev.baton.gateway.usage.UsageStore} on JDBC: H2 (the embedded default, a file under {@code ./data}) and
 * PostgreSQL, with Flyway migrations per database under {@code db/migration/h2} and
 * {@code db/migration/postgresql}. Open the stores with
 * {@link dev.baton.store.jdbc.JdbcStores#open(dev.baton.store.jdbc.StoreConfig)}. On PostgreSQL it also serves a
 * cluster of nodes: run leases ({@link dev.baton.core.cluster.RunLeases}, {@code SELECT ... FOR UPDATE SKIP LOCKED})
 * with fencing of the journal by lease owner, and wake-ups between nodes over {@code LISTEN/NOTIFY}
 * ({@link dev.baton.store.jdbc.PgClusterSignals}).
 *
 * <p>Depends on baton-core, baton-gateway (its usage SPI only), JDBC, HikariCP, Flyway and the H2 and PostgreSQL drivers; nothing depends on it but
 * the composition root (baton-server) and benchmarks.
 */
package dev.baton.store.jdbc;
