/**
 * Storage interfaces ({@link dev.baton.core.store.RunStore}, {@link dev.baton.core.store.WorkflowStore}) and an
 * in-memory implementation. Database implementations live in their own modules.
 */
package dev.baton.core.store;
