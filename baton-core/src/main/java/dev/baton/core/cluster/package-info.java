/**
 * Running many Baton nodes on one store: the plug-in interfaces a shared store implements to spread runs over
 * the nodes ({@link dev.baton.core.cluster.RunLeases}: claim, renew, release and fence run leases) and to wake
 * idle nodes at once ({@link dev.baton.core.cluster.ClusterSignals}), and the settings of a node in a cluster
 * ({@link dev.baton.core.cluster.ClusterSettings}). The engine uses them in {@code engine.internal}; the JDBC
 * store implements them on PostgreSQL ({@code SELECT ... FOR UPDATE SKIP LOCKED}, {@code LISTEN/NOTIFY}); the
 * in-memory implementations let tests run several engines in one JVM. See {@code docs/operations.md}
 * ("Scale-out").
 *
 * <p>{@link dev.baton.core.cluster.InMemoryClusterSignals} is the signal bus of engines in one JVM (the in-memory
 * leases are {@code InMemoryRunStore.leases()}).
 *
 * <p>Depends on the core model ({@code run}), the error model, slf4j-api and the JDK only.
 */
package dev.baton.core.cluster;
