/**
 * Benchmarks and evaluation programs (not part of the product): embedding correctness on STS-B
 * ({@link dev.baton.bench.StsbEvaluation}), reference similarities of known pairs
 * ({@link dev.baton.bench.EmbeddingReference}) and raw embedding throughput
 * ({@link dev.baton.bench.EmbeddingThroughput}), embedding through workflows against the raw model
 * ({@link dev.baton.bench.EmbedWorkflowThroughput}) and start-up time of {@code baton server}
 * ({@link dev.baton.bench.ServerStartup}); engine load harnesses are in {@code dev.baton.bench.engine}.
 * Results and commands are recorded in docs/benchmarks.md.
 * May depend on every Baton module and on reference models that the product does not ship.
 */
package dev.baton.bench;
