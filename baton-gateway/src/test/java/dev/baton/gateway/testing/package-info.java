/**
 * Test fixtures shipped in the baton-gateway test-jar for every module's tests and the load benchmarks: fake
 * upstreams speaking the OpenAI ({@link dev.baton.gateway.testing.FakeOpenAiServer}) and Anthropic
 * ({@link dev.baton.gateway.testing.FakeAnthropicServer}) HTTP APIs on 127.0.0.1 over real sockets, with
 * deterministic answers ({@link dev.baton.gateway.testing.FakeAnswers}), request recording and fault injection
 * ({@link dev.baton.gateway.testing.Fault}); and {@link dev.baton.gateway.testing.ProviderContract}, the suite every
 * HTTP provider passes against its fake.
 *
 * <p>What the HTTP providers make of each fault (checked by the contract suite):
 * <table>
 *   <caption>Fault → provider error</caption>
 *   <tr><th>fault</th><th>error code</th><th>retriable</th></tr>
 *   <tr><td>{@code status(429)} / {@code rateLimited("2")}</td><td>RATE_LIMITED, {@code retryAfter} from the header</td><td>yes</td></tr>
 *   <tr><td>{@code status(408 | 409 | 5xx | 529)}</td><td>UPSTREAM_UNAVAILABLE</td><td>yes</td></tr>
 *   <tr><td>{@code status(other 4xx)}</td><td>UPSTREAM_REJECTED with the upstream's message</td><td>no</td></tr>
 *   <tr><td>{@code reset()}, {@code closeMidBody()}, {@code truncate()} (streams), {@code midStreamError(..)}</td>
 *       <td>UPSTREAM_UNAVAILABLE</td><td>yes</td></tr>
 *   <tr><td>{@code wrongJson()}, {@code wrongContentType()}</td><td>UPSTREAM_INVALID_RESPONSE</td><td>yes</td></tr>
 *   <tr><td>{@code delayHeaders(d)} / {@code delayChunks(d)} / {@code delayFirstToken(d)} longer than the
 *       deployment's read or total / idle / first-token timeout</td><td>TIMEOUT naming the timeout</td><td>yes</td></tr>
 * </table>
 *
 * <p>Fast enough for load tests: one virtual thread per connection, keep-alive, no per-byte locking; turn recording
 * off with {@code maxRecorded(0)} for long runs. {@code failRandomly(0.3, seed, Fault.status(500))} gives a
 * reproducible 30 % failure rate; {@code latency(..)} keeps requests in flight like a real model.
 *
 * <p>Depends on the JDK, Jackson, the gateway's neutral types and (the contract suites only) JUnit 5 and AssertJ.
 */
package dev.baton.gateway.testing;
