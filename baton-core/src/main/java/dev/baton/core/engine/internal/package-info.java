/**
 * The engine's implementation, not API: the per-run coordinator and step runners, attempt executions (handlers
 * and the built-in flow-control types), the group-committed journal, admission, priority permits and event
 * followers. Depends on the other core packages, slf4j and the JDK only. Use
 * {@link dev.baton.core.engine.LocalEngine} instead of anything here.
 */
package dev.baton.core.engine.internal;
