/**
 * Token and cost accounting: one {@link dev.baton.gateway.usage.UsageRecord} per gateway call, kept by a
 * {@link dev.baton.gateway.usage.UsageStore} and rolled up per run, workflow, step, API key, model alias,
 * deployment or provider (totals, and latency percentiles with error rates); and budgets that reserve a call's
 * worst case before it is admitted and reconcile afterwards.
 *
 * <p>{@link dev.baton.gateway.usage.MeteredGateway} is the outermost layer of the gateway: it checks budgets
 * ({@link dev.baton.gateway.usage.BudgetLedger}, worst cases from {@link dev.baton.gateway.usage.CallEstimate})
 * and hands a record of every call to the {@link dev.baton.gateway.usage.UsageRecorder}, which writes them in
 * batches off the request path and tells a {@link dev.baton.gateway.usage.UsageListener} (metrics) about each.
 * Budget accounts live behind the {@link dev.baton.gateway.usage.BudgetAccounts} plug-in interface: in memory
 * ({@link dev.baton.gateway.usage.LocalBudgetAccounts}, one node) or shared by a cluster in PostgreSQL
 * (baton-store-jdbc).
 * {@link dev.baton.gateway.usage.InMemoryUsageStore} is the store for tests and
 * database-less nodes; the JDBC store lives in baton-store-jdbc.
 *
 * <p>May depend on the gateway's {@code api} and {@code config} packages and the {@link dev.baton.gateway.Gateway}
 * interface, baton-core's error model and its {@code Percentiles}, Caffeine (idle budget accounts) and slf4j; never
 * on a database driver.
 */
package dev.baton.gateway.usage;
