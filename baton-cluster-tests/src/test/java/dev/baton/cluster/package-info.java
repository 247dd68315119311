/**
 * Cluster tests: three real Baton node processes ({@code dev.baton.server.cli.BatonCli server}, started with this
 * module's test class path) on one embedded PostgreSQL (zonky binaries) started by the test, driven over HTTP on
 * loopback, killed with SIGKILL and restarted; PostgreSQL stopped and started again under load. The outcome is
 * checked through the API and directly in the database (journal invariants, one succeeded attempt per step).
 *
 * <p>May depend on anything on the test class path; nothing depends on it. Each node's output goes to
 * {@code target/cluster-tests/<test>/node-<n>.log} for diagnosis.
 */
package dev.baton.cluster;
