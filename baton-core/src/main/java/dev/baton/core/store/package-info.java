/**
 * Storage interfaces ({@link dev.baton.core.store.RunStore}, {@link dev.baton.core.store.WorkflowStore}), the
 * listing types they share ({@link dev.baton.core.store.RunQuery}, {@link dev.baton.core.store.Page},
 * {@link dev.baton.core.store.RunCursor}), the run analytics SPI ({@link dev.baton.core.store.RunAnalytics} and its
 * records, e.g. {@link dev.baton.core.store.WorkflowStats}) and in-memory implementations for tests and benchmarks
 * ({@link dev.baton.core.store.InMemoryRunStore}, {@link dev.baton.core.store.InMemoryWorkflowStore},
 * {@link dev.baton.core.store.InMemoryRunAnalytics}), and
 * {@link dev.baton.core.store.ForwardingRunStore}, the base of run store wrappers (fault injection, metrics).
 * Database implementations live in their own modules and pass the same contract suites
 * ({@code RunStoreContract}, {@code WorkflowStoreContract} in baton-core's test jar).
 *
 * <p>Depends on the run model, the error model, the cluster SPI ({@code RunLeases}, implemented by the in-memory
 * store), Jackson and the JDK only.
 */
package dev.baton.core.store;
