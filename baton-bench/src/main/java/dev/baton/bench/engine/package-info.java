/**
 * Load harnesses of the engine (not part of the product): throughput and dispatch latency of a 3-step chain
 * ({@link dev.baton.bench.engine.EngineThroughput}), many runs waiting on a slow HTTP service
 * ({@link dev.baton.bench.engine.HttpConcurrency} with {@link dev.baton.bench.engine.SlowHttpServer}), and the
 * engine set-up they share ({@link dev.baton.bench.engine.BenchEngine}: the product's embedded H2 store or the
 * in-memory one). Instruments only from the outside: a pass-through {@code RunStore} and a no-op step handler that
 * note {@code System.nanoTime()}. Results and commands are in docs/benchmarks.md.
 * May depend on every Baton module.
 */
package dev.baton.bench.engine;
