/**
 * Load harnesses of the AI gateway (not part of the product), each a {@code main} program run with
 * {@code baton-bench/bench <Program>}: the overhead Baton adds to a zero-latency upstream and its maximum
 * request rate ({@link dev.baton.bench.gateway.GatewayOverhead}, measured by the external load generators
 * {@code hey} and {@code wrk}), success rate and circuit breakers with failing deployments
 * ({@link dev.baton.bench.gateway.GatewayFailover}) and memory under 1,000 concurrent streams
 * ({@link dev.baton.bench.gateway.GatewayStreams}); {@link dev.baton.bench.gateway.JfrProfile} says where Baton's
 * CPU went in a JFR recording ({@code GatewayOverhead --jfr}). {@link dev.baton.bench.gateway.SecurityCost} uses the
 * same child-process set-up for the REST API: what authentication (stored API keys), request quotas and the audit
 * trail add to a read and a run start.
 *
 * <p>Every harness runs the shaded {@code baton-server/target/baton.jar} as a child process
 * ({@link dev.baton.bench.gateway.BatonProcess}, a generated {@code baton.yaml} in a fresh temporary directory)
 * and, where there is one, the upstream as the baton-gateway test-jar's {@code FakeOpenAiServer} inside the
 * harness JVM, so Baton's memory and CPU are its own; all processes share the machine's cores. Results and
 * commands are in docs/benchmarks.md.
 *
 * <p>May depend on every Baton module, the baton-gateway test fixtures, the JDK and the Debian packages
 * {@code hey} and {@code wrk} (installed with {@code apt-get} when missing).
 */
package dev.baton.bench.gateway;
