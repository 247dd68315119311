/**
 * The engine's implementation, not API: the per-run coordinator and step runners, attempt executions (handlers
 * and the built-in flow-control types), the group-committed journal, admission, priority permits and event
 * followers, backpressure, graceful shutdown, and cluster membership (run leases, claims, heartbeats, remote runs:
 * {@code ClusterMember}, {@code ClaimLoop}, {@code RemoteRuns}). Depends on the other core packages (the cluster
 * SPI included), slf4j and the JDK only. Use
 * {@link dev.baton.core.engine.LocalEngine} instead of anything here.
 */
package dev.baton.core.engine.internal;
