/**
 * Test fixtures shipped in the baton-gateway test-jar for every module's tests and the load benchmarks: fake
 * upstreams speaking the OpenAI ({@link dev.baton.gateway.testing.FakeOpenAiServer}) and Anthropic
 * ({@link dev.baton.gateway.testing.FakeAnthropicServer}) HTTP APIs on 127.0.0.1 over real sockets, with
 * deterministic answers ({@link dev.baton.gateway.testing.FakeAnswers}), request recording and fault injection
 * ({@link dev.baton.gateway.testing.Fault}); and {@link dev.baton.gateway.testing.ProviderContract}, the suite every
 * HTTP provider passes against its fake.
 *
 * <p>Depends on the JDK, Jackson, the gateway's neutral types and (the contract suite only) JUnit 5 and AssertJ.
 */
package dev.baton.gateway.testing;
