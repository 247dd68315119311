/**
 * Token and cost accounting: one {@link dev.baton.gateway.usage.UsageRecord} per gateway call, kept by a
 * {@link dev.baton.gateway.usage.UsageStore} and rolled up per run, workflow, API key, model alias, deployment
 * or provider; and budgets that reserve a call's worst case before it is admitted and reconcile afterwards.
 */
package dev.baton.gateway.usage;
