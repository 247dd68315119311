/**
 * The engine: {@link dev.baton.core.engine.Engine} (the API the server and the CLI use),
 * {@link dev.baton.core.engine.LocalEngine} (one node, alone or in a cluster sharing a store, built with
 * {@link dev.baton.core.engine.LocalEngine#builder}), its limits ({@link dev.baton.core.engine.EngineConfig},
 * {@link dev.baton.core.engine.LoadShedding}) and
 * its source of time and timers ({@link dev.baton.core.engine.EngineClock}: {@link
 * dev.baton.core.engine.SystemEngineClock} in production, {@link dev.baton.core.engine.ManualEngineClock} in
 * tests). Admission by priority, the per-run coordinator that dispatches ready steps on virtual threads, retries
 * with backoff, timeouts, cancellation, the group-committed journal and resume after a crash live in
 * {@code engine.internal}; see {@code docs/engine.md}.
 *
 * <p>Depends on the other core packages (workflow, expr, run, store, step, error, cluster), slf4j and the JDK only.
 */
package dev.baton.core.engine;
